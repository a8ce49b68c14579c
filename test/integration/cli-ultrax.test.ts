/**
 * `refinery execute --dialect ultrax` and `refinery prompt --dialect ultrax`: the real CLI in a
 * child process, on JSONL with Refinery's columns and on parquet with UltraX's own
 * (`original`, `model_output`), checked against the conformance vectors computed by UltraX's
 * own code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { executeUltraxRecords } from '../../main/cli/execute-ultrax';
import { writePrompts } from '../../main/cli/prompt';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const work = mkdtempSync(join(tmpdir(), 'refinery-ultrax-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Vectors {
  rows: { note: string; original: string; program: string; cleaned: string; processed: string }[];
  documents: { note: string; content: string; max_chars: number; responses: (string | null)[]; model_output: string; cleaned: string }[];
  windows: { content: string; max_chars: number; windows: { text: string; start_line: number; end_line: number; overlap_start: number }[] }[];
}
const vectors = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/ultrax/vectors.json'), 'utf8')) as Vectors;

function cli(command: string, args: string[], input?: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'main/cli.ts'), command, ...args], { cwd: ROOT, encoding: 'utf8', input, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const readJsonl = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('refinery execute --dialect ultrax', () => {
  it('JSONL: ultrax_output replies and model_output programs, in input order, bad lines reported with their line', () => {
    const rows = vectors.rows.slice(0, 40);
    const docs = vectors.documents.filter((d) => d.responses.length > 1).slice(0, 3);
    const input = join(work, 'in.jsonl');
    const output = join(work, 'out.jsonl');
    writeFileSync(input, [
      ...rows.map((r, i) => JSON.stringify(i % 2 === 0 ? { id: `r${i}`, original: r.original, model_output: r.program } : { id: i, text: r.original, model_output: r.program })),
      '{"id": "broken", ',
      JSON.stringify({ id: 'no-program', text: 'x' }),
      JSON.stringify({ id: 'wrong-windows', text: docs[0]!.content, ultrax_output: ['keep_all()'] }),
      ...docs.map((d, i) => JSON.stringify({ id: `doc${i}`, text: d.content, ultrax_output: d.responses })),
    ].join('\n') + '\n');
    const run = cli('execute', ['--dialect', 'ultrax', '--max-chars', String(docs[0]!.max_chars), '--in', input, '--out', output]);
    expect(run.stderr).toContain(`${input}:${rows.length + 1}: not valid JSON`);
    expect(run.stderr).toContain(`${input}:${rows.length + 2}: no program: give the model's reply in "ultrax_output"`);
    expect(run.stderr).toContain(`${input}:${rows.length + 3}: "ultrax_output" has 1 replies but the document has`);
    expect(run.stderr).toMatch(/executed 43 documents .*3 bad input lines skipped/);
    expect(run.status).toBe(0);
    const records = readJsonl(output);
    expect(records.map((r) => r.id)).toEqual([...rows.map((_, i) => (i % 2 === 0 ? `r${i}` : i)), 'doc0', 'doc1', 'doc2']);
    rows.forEach((r, i) => expect(records[i]).toMatchObject({ line: i + 1, text: r.cleaned, program: r.processed, dropped: r.processed === 'remove_all()' || (r.cleaned.trim() === '' && r.original.trim() !== '') }));
    docs.forEach((d, i) => expect(records[rows.length + i]).toMatchObject({ text: d.cleaned }));
    expect(readdirSync(work).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it("parquet with UltraX's own columns (original, model_output), row by row", async () => {
    const rows = vectors.rows.slice(40, 140);
    const file = join(work, 'ultrax.parquet');
    parquetWriteFile({
      filename: file,
      columnData: [
        { name: 'original', data: rows.map((r) => r.original), type: 'STRING' },
        { name: 'model_output', data: rows.map((r, i) => (i === 3 ? null : r.program)), type: 'STRING' },
      ],
      rowGroupSize: 16,
    });
    const output = join(work, 'parquet.out.jsonl');
    const summary = await executeUltraxRecords({ input: file, output, maxChars: 48_000, overlapRatio: 0.2 });
    expect(summary).toMatchObject({ documents: rows.length, badLines: 0, positionName: 'row' });
    const records = readJsonl(output);
    rows.forEach((r, i) => expect(records[i]).toMatchObject({ id: null, row: i, text: i === 3 ? r.original.replace(/\r\n?/g, '\n') : r.cleaned }));
  });

  it('a string ultrax_output is one window, merged as UltraX would store it', () => {
    const one = vectors.documents.filter((d) => d.responses.length === 1 && d.responses[0] !== null);
    const run = cli('execute', ['--dialect', 'ultrax', '--in', '-', '--out', '-'], one.map((d) => JSON.stringify({ text: d.content, ultrax_output: d.responses[0] })).join('\n'));
    expect(run.status).toBe(0);
    const records = run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { text: string });
    expect(records.map((r) => r.text)).toEqual(one.map((d) => d.cleaned));
  });

  it('refuses ProX-only options and ultrax-only ones in the wrong dialect', () => {
    expect(cli('execute', ['--dialect', 'ultrax', '--mode', 'reference', '--in', '-', '--out', '-'], '').stderr).toContain('--mode apply to --dialect prox only');
    expect(cli('execute', ['--max-chars', '100', '--in', '-', '--out', '-'], '').stderr).toContain('--max-chars and --overlap apply to --dialect ultrax only');
    expect(cli('execute', ['--dialect', 'refinex', '--in', '-', '--out', '-'], '').stderr).toMatch(/Allowed choices are prox, ultrax/);
  });
});

describe('refinery prompt --dialect ultrax', () => {
  it("writes each document's windows as UltraX cuts them, 1-indexed, in input order", async () => {
    const maxChars = 200; // the "three windows" case
    const input = join(work, 'prompt.jsonl');
    const docs = vectors.windows.filter((w) => w.max_chars === maxChars && w.content.trim() !== '');
    expect(docs.length).toBeGreaterThan(0);
    writeFileSync(input, [...docs.map((d, i) => JSON.stringify({ id: i, text: d.content })), JSON.stringify({ id: 'blank', text: ' \n ' })].join('\n'));
    const output = join(work, 'prompt.out.jsonl');
    const run = cli('prompt', ['--dialect', 'ultrax', '--max-chars', String(maxChars), '--in', input, '--out', output]);
    expect(run.status).toBe(0);
    const records = readJsonl(output);
    docs.forEach((d, i) => expect(records[i]).toEqual({ id: i, line: i + 1, prompts: d.windows }));
    expect(records[docs.length]).toEqual({ id: 'blank', line: docs.length + 1, prompts: [] });
  });

  it('every window vector, through the same code in-process', async () => {
    const byMax = new Map<number, Vectors['windows']>();
    for (const w of vectors.windows) byMax.set(w.max_chars, [...(byMax.get(w.max_chars) ?? []), w]);
    let checked = 0;
    for (const [maxChars, group] of byMax) {
      const input = join(work, `w${maxChars}.jsonl`);
      const output = join(work, `w${maxChars}.out.jsonl`);
      writeFileSync(input, group.map((w) => JSON.stringify({ text: w.content })).join('\n'));
      await writePrompts({ dialect: 'ultrax', input, output, maxChars, overlapRatio: 0.2 });
      readJsonl(output).forEach((record, i) => {
        const expected = group[i]!.content.trim() === '' ? [] : group[i]!.windows;
        expect(record.prompts).toEqual(expected);
        checked++;
      });
    }
    expect(checked).toBe(vectors.windows.length);
  });
});
