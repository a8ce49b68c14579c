/** `refinery execute` end to end: the real CLI in a child process, on generated and real (devset) JSONL. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { executeJsonl, register } from '../../main/cli/execute';
import { loadDevset } from '../support/devset';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const work = mkdtempSync(join(tmpdir(), 'refinery-execute-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cli(args: string[], input?: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'main/cli.ts'), 'execute', ...args], { cwd: ROOT, encoding: 'utf8', input, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const readJsonl = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

const body = (tag: string) => Array.from({ length: 14 }, (_, i) => `${tag}${i}`).join(' ');
const TEXT = ['Home | About', body('w'), `${body('v')} http://a.com/?id=5`, 'Copyright'].join('\n');

describe('refinery execute', () => {
  it('writes one record per good line in input order, reports bad lines with their line number, and finishes', () => {
    const input = join(work, 'mixed.jsonl');
    const output = join(work, 'mixed.out.jsonl');
    writeFileSync(input, [
      JSON.stringify({ id: 'a', text: TEXT, doc_program: 'keep_doc()', chunk_program: 'remove_lines(start=0, end=0)\nremove_lines(start=3, end=3)' }),
      '{"id": "broken", "text": ',
      JSON.stringify({ id: 7, text: TEXT, metadata: { doc_program: 'drop_doc()', chunk_program: '' } }),
      '',
      JSON.stringify({ id: 'no-text', body: 'x' }),
      JSON.stringify({ text: TEXT, chunk_program: 'normalize(source_str="http://a.com/?id=5", target_str="")' }),
      JSON.stringify({ id: 'bad-program', text: TEXT, chunk_program: 42 }),
      JSON.stringify({ id: 'cancelled', text: TEXT, chunk_program: 'oops\nremove_lines(0)\nremove_lines(start=0, end=0)' }),
    ].join('\n') + '\n');
    const run = cli(['--in', input, '--out', output]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`${input}:2: not valid JSON`);
    expect(run.stderr).toContain(`${input}:5: field "text" is missing`);
    expect(run.stderr).toContain(`${input}:7: field "chunk_program" must be a string`);
    expect(run.stderr).toMatch(/executed 4 documents .*1 dropped.*3 bad input lines skipped/);
    const records = readJsonl(output);
    expect(records.map((r) => [r.id, r.line])).toEqual([['a', 1], [7, 3], [null, 6], ['cancelled', 8]]);
    const lines = TEXT.split('\n');
    expect(records[0]).toMatchObject({ text: [lines[1], lines[2]].join('\n'), dropped: false, doc_dropped: false, lines_removed: 2, replacements: 0, errors: 0 });
    expect(records[1]).toMatchObject({ text: '', dropped: true, doc_dropped: true, drop_stage: 'doc', drop_reason: 'doc program: drop_doc()' });
    expect(records[2]).toMatchObject({ text: TEXT.replace('http://a.com/?id=5', ''), replacements: 1 });
    expect(records[3]).toMatchObject({ text: TEXT, cancelled: true, errors: 2, lines_removed: 0 });
    expect(readdirSync(work).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('--mode reference reproduces the slicing parser; stdin/stdout work with "-"', async () => {
    const line = JSON.stringify({ id: 'q', text: TEXT, chunk_program: 'normalize(source_str="http://a.com/?id=5", target_str="")' });
    const reference = cli(['--in', '-', '--out', '-', '--mode', 'reference'], line);
    expect(reference.status).toBe(0);
    expect(JSON.parse(reference.stdout).text).toBe(TEXT.replace('http://a.com/?id', ''));
    // The default, strict mode, in-process on the same line.
    writeFileSync(join(work, 'q.jsonl'), line);
    await executeJsonl({ input: join(work, 'q.jsonl'), output: join(work, 'q.out.jsonl') });
    expect(readJsonl(join(work, 'q.out.jsonl'))[0]!.text).toBe(TEXT.replace('http://a.com/?id=5', ''));
  });

  it('a missing input fails with a clear message and leaves no output', () => {
    const missing = cli(['--in', join(work, 'nope.jsonl'), '--out', join(work, 'x.jsonl')]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('cannot read --in');
    expect(existsSync(join(work, 'x.jsonl'))).toBe(false);
  });

  it('an unreadable --in leaves no temp file behind (the output stream may still be opening when reading fails)', async () => {
    // The race is timing-dependent, so try it many times, both ways reading can fail (missing file, a directory).
    const dirs: string[] = [];
    for (let attempt = 0; attempt < 600; attempt++) {
      const dir = mkdtempSync(join(work, 'unreadable-'));
      dirs.push(dir);
      const input = attempt % 2 === 0 ? join(dir, 'missing.jsonl') : dir;
      await expect(executeJsonl({ input, output: join(dir, 'out.jsonl') })).rejects.toThrow(/ENOENT|EISDIR/);
    }
    await new Promise((settle) => setTimeout(settle, 50)); // let any stray open finish before looking
    expect(dirs.flatMap((dir) => readdirSync(dir))).toEqual([]);
  });

  it('thresholds apply (in-process run of the same code)', async () => {
    const input = join(work, 'short.jsonl');
    writeFileSync(input, JSON.stringify({ text: 'five words are right here', chunk_program: '' }));
    const output = join(work, 'short.out.jsonl');
    await executeJsonl({ input, output });
    expect(readJsonl(output)[0]).toMatchObject({ dropped: true, drop_reason: 'kept words 5 <= 10' });
    const summary = await executeJsonl({ input, output, thresholds: { minKeptWords: 4 } });
    expect(readJsonl(output)[0]).toMatchObject({ dropped: false, text: 'five words are right here' });
    expect(summary).toMatchObject({ documents: 1, dropped: 0, badLines: 0 });
  });

  it('rejects an unknown --mode with the allowed choices', async () => {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    register(program);
    await expect(program.parseAsync(['execute', '--in', 'a', '--out', 'b', '--mode', 'fast'], { from: 'user' })).rejects.toThrow(/Allowed choices are strict, reference/);
  });

  it('applies gold programs to the real devset documents', async () => {
    const { docs, gold } = loadDevset();
    const input = join(work, 'devset.jsonl');
    writeFileSync(input, docs.map((d, i) => {
      const g = gold[i]!;
      const calls = [...g.normalize.map(([from, to]) => `normalize(source_str=${JSON.stringify(from)}, target_str=${JSON.stringify(to)})`), ...ranges(g.noisy_lines).map(([a, b]) => `remove_lines(line_start=${a}, line_end=${b})`)];
      return JSON.stringify({ id: d.id, text: d.text, metadata: { doc_program: g.doc === 'drop' ? 'drop_doc()' : 'keep_doc()', chunk_program: calls.join('\n') } });
    }).join('\n'));
    const output = join(work, 'devset.out.jsonl');
    const summary = await executeJsonl({ input, output });
    expect(summary.badLines).toBe(0);
    const records = readJsonl(output);
    expect(records).toHaveLength(docs.length);
    records.forEach((record, i) => {
      const g = gold[i]!;
      expect(record.id).toBe(docs[i]!.id);
      if (g.doc === 'drop') {
        expect(record).toMatchObject({ dropped: true, doc_dropped: true, text: '' });
        return;
      }
      let text = docs[i]!.text;
      for (const [from, to] of g.normalize) text = text.split(from).join(to);
      const noisy = new Set(g.noisy_lines);
      const expected = text.split('\n').filter((_, n) => !noisy.has(n)).join('\n');
      const words = expected.split(/\s+/).filter(Boolean).length;
      if (words <= 10) expect(record.dropped).toBe(true);
      else expect(record).toMatchObject({ text: expected, lines_removed: noisy.size, errors: 0 });
    });
  });
});

/** Sorted line indexes to inclusive runs. */
function ranges(lines: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of [...lines].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}
