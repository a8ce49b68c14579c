import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExportError, compressionFor, openJsonlWriter } from '../../../main/export/writer';
import { createZstdCompressor } from '../../../main/export/zstd';
import { syntheticDocuments } from '../../support/synthetic-web-pages';

const here = path.dirname(new URL(import.meta.url).pathname);
const repoRoot = path.resolve(here, '../../..');

function firstDocuments(count: number, seed = 3): Array<{ id: string; url: string; text: string }> {
  const docs = [];
  for (const doc of syntheticDocuments(seed)) {
    docs.push(doc);
    if (docs.length === count) break;
  }
  return docs;
}

/** Number of zstd frames (magic 0xFD2FB528) at frame starts; walks frame headers and blocks. */
function zstdFrameCount(bytes: Uint8Array): number {
  let frames = 0;
  let pos = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (pos < bytes.length) {
    expect(view.getUint32(pos, true)).toBe(0xfd2fb528);
    frames += 1;
    const descriptor = bytes[pos + 4]!;
    const singleSegment = (descriptor >> 5) & 1;
    const fcsFlag = descriptor >> 6;
    const dictFlag = descriptor & 3;
    const checksum = (descriptor >> 2) & 1;
    pos += 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][dictFlag]! + [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
    for (;;) {
      const header = bytes[pos]! | (bytes[pos + 1]! << 8) | (bytes[pos + 2]! << 16);
      const last = header & 1;
      const type = (header >> 1) & 3;
      const size = header >> 3;
      pos += 3 + (type === 1 ? 1 : size);
      if (last) break;
    }
    if (checksum) pos += 4;
  }
  return frames;
}

describe('openJsonlWriter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'refinery-export-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('picks compression from the extension', () => {
    expect(['a.jsonl', 'a.jsonl.gz', 'a.JSONL.ZST', 'a.jsonl.zstd'].map(compressionFor)).toEqual(['none', 'gzip', 'zstd', 'zstd']);
  });

  it('writes JSONL plain, gzip and zstd (one frame) that decode to exactly the records', async () => {
    const docs = firstDocuments(1500);
    const expected = docs.map((doc) => `${JSON.stringify(doc)}\n`).join('');
    for (const name of ['out.jsonl', 'out.jsonl.gz', 'out.jsonl.zst']) {
      const target = path.join(dir, name);
      const writer = await openJsonlWriter(target);
      expect(writer.tempPath).toBe(path.join(dir, `.${name}.${process.pid}.tmp`));
      for (const doc of docs) await writer.write(doc);
      expect(await fs.readdir(dir)).toContain(`.${name}.${process.pid}.tmp`);
      await expect(fs.stat(target)).rejects.toThrow(); // nothing at the final path before commit
      const summary = await writer.commit();
      const bytes = await fs.readFile(target);
      expect(summary).toEqual({ path: target, bytes: bytes.length, uncompressedBytes: Buffer.byteLength(expected), records: docs.length });
      const decoded = name.endsWith('.gz') ? gunzipSync(bytes) : name.endsWith('.zst') ? Buffer.from(zstdDecompress(bytes)) : bytes;
      expect(decoded.toString('utf8') === expected, name).toBe(true);
      if (name.endsWith('.zst')) expect(zstdFrameCount(bytes)).toBe(1);
      expect((await fs.readdir(dir)).filter((entry) => entry.endsWith('.tmp'))).toEqual([]);
    }
  });

  it('asks the caller to wait once several MB are queued, and never loses a record across batches', async () => {
    const target = path.join(dir, 'big.jsonl');
    const writer = await openJsonlWriter(target);
    let waited = 0;
    const record = (i: number): { i: number; text: string } => ({ i, text: `${'é'.repeat(i % 7)}${'x'.repeat(50_000 + (i % 1000))}` });
    for (let i = 0; i < 400; i++) {
      const pending = writer.write(record(i));
      if (pending) {
        waited += 1;
        await pending;
      }
    }
    await writer.write({ i: 400, text: 'y'.repeat(3 << 20) }); // larger than one batch
    const summary = await writer.commit();
    expect(waited).toBeGreaterThan(0); // ~20 MB does not fit the 8 MB pipeline
    const lines = (await fs.readFile(target, 'utf8')).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.length - 1).toBe(401);
    expect(summary.records).toBe(401);
    lines.slice(0, 400).forEach((line, i) => {
      if (line !== JSON.stringify(record(i))) throw new Error(`line ${i + 1} differs`);
    });
    expect(JSON.parse(lines[400]!)).toEqual({ i: 400, text: 'y'.repeat(3 << 20) });
  });

  it('the wasm zstd fallback produces the same single-frame output as the native one would', async () => {
    const input = Buffer.from(firstDocuments(500).map((doc) => JSON.stringify(doc)).join('\n'));
    const stream = await createZstdCompressor(3, 'wasm');
    const parts: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => parts.push(chunk));
    const done = new Promise((resolve) => stream.on('end', resolve));
    for (let i = 0; i < input.length; i += 100_000) stream.write(input.subarray(i, i + 100_000));
    stream.end();
    await done;
    const output = Buffer.concat(parts);
    expect(zstdFrameCount(output)).toBe(1);
    expect(Buffer.from(zstdDecompress(output)).equals(input)).toBe(true);
  });

  it('replaces an existing file only at commit, and abort leaves the old file untouched', async () => {
    const target = path.join(dir, 'out.jsonl');
    await fs.writeFile(target, 'previous export\n');
    const aborted = await openJsonlWriter(target);
    await aborted.write({ text: 'new' });
    await aborted.abort('user cancelled');
    expect(await fs.readFile(target, 'utf8')).toBe('previous export\n');
    expect(await fs.readdir(dir)).toEqual(['out.jsonl']);
    expect(() => aborted.write({ text: 'late' })).toThrow(new ExportError(`Export to ${target} was cancelled: user cancelled.`));

    const committed = await openJsonlWriter(target);
    await committed.write({ text: 'new' });
    await committed.commit();
    expect(await fs.readFile(target, 'utf8')).toBe('{"text":"new"}\n');
  });

  it('a record that cannot be JSON fails the export with its number and leaves no file', async () => {
    const target = path.join(dir, 'bad.jsonl.gz');
    const writer = await openJsonlWriter(target);
    await writer.write({ ok: 1 });
    expect(() => writer.write({ n: 10n })).toThrow(
      new ExportError(`Export to ${target} failed: record 2 cannot be written as JSON (Do not know how to serialize a BigInt). Nothing was written.`),
    );
    await expect(writer.commit()).rejects.toThrow(ExportError);
    await writer.abort();
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('says which folder is missing', async () => {
    const target = path.join(dir, 'no', 'such', 'out.jsonl');
    await expect(openJsonlWriter(target)).rejects.toThrow(
      new ExportError(`Cannot export to ${target}: the folder ${path.dirname(target)} is not usable (it does not exist (it may have been moved or deleted)). Create it or choose another folder.`),
    );
  });

  it('a write failure mid-export (file too large for the disk quota) says why and leaves no partial file', () => {
    const target = path.join(dir, 'big.jsonl');
    // The kernel refuses writes past 512 KiB with EFBIG; SIGXFSZ is ignored so the write fails instead of killing node.
    const stdout = execFileSync('bash', ['-c', `trap '' XFSZ; ulimit -f 512; exec node --import tsx "$0" "$1"`, path.join(here, 'fill-disk-child.ts'), target], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { name: string; message: string; finalExists: boolean; leftovers: string[] };
    expect(report.name).toBe('ExportError');
    expect(report.message).toBe(
      `Export to ${target} failed while writing: the file grew larger than this file system or your file-size limit allows; choose another disk or a compressed export (.jsonl.zst). Nothing was written to big.jsonl.`,
    );
    expect(report.finalExists).toBe(false);
    expect(report.leftovers).toEqual([]);
  });
});
