import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { executeJsonl } from '../../../main/cli/execute';
import { CliError } from '../../../main/cli/errors';
import { parseProgrammerOption, programJsonl, type ProgramRecord } from '../../../main/cli/program';
import { parseRuleSpec } from '../../../main/rules/config';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'refinery-program-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const ARTICLE = ['Lakes of the north', 'Home', 'Lakes freeze early in the far north.[3]', 'Ice fishing starts in December.', 'The ice is thick until April.', 'Boats return in May and June.', 'Summer is short and bright there.', 'Share'].join('\n');

describe('refinery program', () => {
  it('writes one record per good input line, reports bad lines by number, and its output feeds refinery execute', async () => {
    const dir = tempDir();
    const input = join(dir, 'docs.jsonl');
    const output = join(dir, 'programs.jsonl');
    writeFileSync(
      input,
      [JSON.stringify({ id: 'a', text: ARTICLE }), '', '{"id": "b"}', 'not json', JSON.stringify({ id: 7, text: 'Too short.' })].join('\n') + '\n',
    );
    const bad: Array<[number, string]> = [];
    const summary = await programJsonl({ input, output, config: parseRuleSpec('c4+prox-lines'), onBadLine: (line, message) => bad.push([line, message]) });
    expect(summary.documents).toBe(2);
    expect(summary.badLines).toBe(2);
    expect(bad.map(([line]) => line)).toEqual([3, 4]);
    expect(bad[0]?.[1]).toBe('field "text" is missing');
    expect(readdirSync(dir).sort()).toEqual(['docs.jsonl', 'programs.jsonl']);

    const records = readFileSync(output, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as ProgramRecord);
    expect(records.map((r) => [r.id, r.line])).toEqual([
      ['a', 1],
      [7, 5],
    ]);
    const a = records[0];
    expect(a?.programmer).toBe('rules:c4+prox-lines@2');
    expect(a?.doc_program).toBe('keep_doc()');
    expect(a?.chunk_program).toBe('remove_lines(start=0, end=1)\nremove_lines(start=7, end=7)\nnormalize(source_str="[3]", target_str="")');
    expect(a?.reasons.chunk).toEqual([
      { line: 0, reason: 'c4: no terminal punctuation' },
      { line: 1, reason: 'c4: no terminal punctuation' },
      { line: 2, reason: 'c4: citation marker [3]' },
    ]);
    expect(records[1]?.doc_program).toBe('drop_doc()');
    expect(records[1]?.reasons.doc).toBe('c4: sentences in kept lines 0 < 5');

    const executed = join(dir, 'executed.jsonl');
    await executeJsonl({ input: output, output: executed });
    const results = readFileSync(executed, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; text: string; dropped: boolean });
    expect(results[0]?.text).toBe(ARTICLE.split('\n').slice(2, 7).join('\n').replace('[3]', ''));
    expect(results[1]?.dropped).toBe(true);
  });

  it('leaves no output behind when the input cannot be read', async () => {
    const dir = tempDir();
    const output = join(dir, 'out.jsonl');
    await expect(programJsonl({ input: join(dir, 'missing.jsonl'), output, config: parseRuleSpec('c4') })).rejects.toThrow(/ENOENT/);
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('accepts rules and rules:<spec>, and rejects anything else with the valid presets', () => {
    expect(parseProgrammerOption('rules').filters).toEqual(['web']);
    expect(parseProgrammerOption('rules:c4+prox-lines').filters).toEqual(['c4', 'prox']);
    expect(() => parseProgrammerOption('model.gguf')).toThrow(CliError);
    expect(() => parseProgrammerOption('rules:c5')).toThrow(/--programmer: unknown rule preset "c5".*valid presets/);
  });
});
