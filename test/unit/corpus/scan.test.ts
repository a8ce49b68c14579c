import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorpusError } from '../../../main/corpus/errors';
import { emptyScanStats, isScanIssue, scanFolder } from '../../../main/corpus/scan';
import type { ReadIssue, ScanEntry, SourceFile } from '../../../main/corpus/types';
import { tempDir } from './read-helpers';

const here = path.dirname(new URL(import.meta.url).pathname);
const repoRoot = path.resolve(here, '../../..');

async function collect(iterable: AsyncIterable<ScanEntry>): Promise<{ files: SourceFile[]; issues: ReadIssue[] }> {
  const files: SourceFile[] = [];
  const issues: ReadIssue[] = [];
  for await (const entry of iterable) {
    if (isScanIssue(entry)) issues.push(entry.issue);
    else files.push(entry);
  }
  return { files, issues };
}

describe('scanFolder', () => {
  let root: string;
  beforeAll(async () => {
    root = await tempDir('scan');
    const write = async (rel: string, content = 'x'): Promise<void> => {
      await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await fs.writeFile(path.join(root, rel), content);
    };
    await write('a.txt');
    await write('b.md');
    await write('data/train-00000-of-00002.parquet');
    await write('data/train-00001-of-00002.parquet');
    await write('nested/deep/c.jsonl');
    await write('nested/d.JSONL.GZ');
    await write('nested/e.jsonl.zst');
    await write('nested/f.json');
    await write('nested/g.ndjson');
    await write('notes.csv');
    await write('image.png');
    await write('.hidden.jsonl');
    await write('.git/objects/x.txt');
    // A loop back to the root and a second route to a folder already listed.
    await fs.symlink(root, path.join(root, 'nested', 'loop'));
    await fs.symlink(path.join(root, 'nested', 'deep'), path.join(root, 'alias'));
    await fs.symlink(path.join(root, 'missing-target.jsonl'), path.join(root, 'dangling.jsonl'));
  });
  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('lists supported files recursively in name order, skips hidden entries, survives a symlink loop', async () => {
    const stats = emptyScanStats();
    const { files, issues } = await collect(scanFolder(root, { stats }));
    expect(files.map((file) => [file.relPath, file.format])).toEqual([
      ['a.txt', 'txt'],
      ['alias/c.jsonl', 'jsonl'],
      ['b.md', 'md'],
      ['data/train-00000-of-00002.parquet', 'parquet'],
      ['data/train-00001-of-00002.parquet', 'parquet'],
      ['nested/d.JSONL.GZ', 'jsonl.gz'],
      ['nested/e.jsonl.zst', 'jsonl.zst'],
      ['nested/f.json', 'json'],
      ['nested/g.ndjson', 'jsonl'],
    ]);
    // nested/deep was reached first through 'alias', so its second route is a duplicate,
    // and so is nested/loop (the root again).
    expect(stats).toMatchObject({ files: 9, unsupported: 2, hidden: 2, duplicates: 2 });
    expect(stats.unsupportedExtensions.sort()).toEqual(['.csv', '.png']);
    expect(issues).toEqual([
      {
        file: 'dangling.jsonl',
        line: null,
        field: null,
        message: expect.stringMatching(/^symbolic link cannot be followed: it does not exist .*Fix or remove the link\.$/),
      },
    ]);
    for (const file of files) {
      expect(path.isAbsolute(file.path)).toBe(true);
      expect(file.size).toBe(1);
      expect(file.mtimeMs).toBeGreaterThan(0);
    }
  });

  it('does not follow links when asked not to', async () => {
    const { files, issues } = await collect(scanFolder(root, { followSymlinks: false }));
    expect(files.map((file) => file.relPath)).not.toContain('alias/c.jsonl');
    expect(files.map((file) => file.relPath)).toContain('nested/deep/c.jsonl');
    expect(issues).toEqual([]);
  });

  it('accepts a single file as the root', async () => {
    const { files } = await collect(scanFolder(path.join(root, 'nested', 'f.json')));
    expect(files.map((file) => [file.relPath, file.format])).toEqual([['f.json', 'json']]);
  });

  it('throws a CorpusError naming the folder when the root does not exist', async () => {
    const missing = path.join(root, 'no-such-folder');
    await expect(collect(scanFolder(missing))).rejects.toThrow(new CorpusError(`Cannot open ${missing}: it does not exist (it may have been moved or deleted).`));
  });

  it('reports an unreadable folder as an issue and goes on (scanned as an ordinary user, since root reads everything)', async () => {
    const base = await fs.mkdtemp(path.join(os.tmpdir(), 'refinery-scan-perm-'));
    try {
      await fs.mkdir(path.join(base, 'locked'));
      await fs.writeFile(path.join(base, 'locked', 'x.txt'), 'x');
      await fs.writeFile(path.join(base, 'open.txt'), 'x');
      await fs.chmod(base, 0o755);
      await fs.chmod(path.join(base, 'open.txt'), 0o644);
      await fs.chmod(path.join(base, 'locked'), 0);
      const isRoot = process.getuid?.() === 0;
      const stdout = execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'scan-child.ts'), base, isRoot ? '65534' : ''], { cwd: repoRoot, encoding: 'utf8' });
      expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
        files: ['open.txt'],
        issues: [{ file: 'locked', line: null, field: null, message: 'cannot read this folder: permission denied; give your user access to it. Its files were skipped.' }],
      });
    } finally {
      await fs.chmod(path.join(base, 'locked'), 0o755);
      await fs.rm(base, { recursive: true, force: true });
    }
  });
});
