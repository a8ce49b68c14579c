import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { executeJsonl } from '../../../main/cli/execute';
import { CliError } from '../../../main/cli/errors';
import { programJsonl, programmerFromFlags, type ProgramRecord } from '../../../main/cli/program';
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

  it('takes the programmer flags refine takes, with the same checks and exit codes', () => {
    const both = { stage: 'both' };
    expect(programmerFromFlags(both)).toMatchObject({ spec: { type: 'rules', preset: 'web' }, stages: ['doc', 'chunk'] });
    expect(programmerFromFlags({ ...both, programmer: 'rules' }).spec).toEqual({ type: 'rules', preset: 'web' });
    expect(programmerFromFlags({ ...both, programmer: 'rules:c4+prox-lines' }).spec).toEqual({ type: 'rules', preset: 'c4+prox-lines' });
    expect(programmerFromFlags({ stage: 'doc', docModel: 'model.gguf' })).toMatchObject({ spec: { type: 'stages', doc: 'model.gguf' }, stages: ['doc'] });
    expect(programmerFromFlags({ ...both, profile: 'prox-web' })).toMatchObject({ spec: { type: 'profile', name: 'prox-web' }, stages: ['doc', 'chunk'] });
    const error = (flags: Parameters<typeof programmerFromFlags>[0]): CliError => {
      try {
        programmerFromFlags(flags);
      } catch (err) {
        if (err instanceof CliError) return err;
        throw err;
      }
      throw new Error('no error');
    };
    expect(error({ ...both, programmer: 'model.gguf' }).message).toMatch(/--programmer takes rules or rules:<preset>, not "model.gguf"; for a model use --doc-model\/--chunk-model or --profile/);
    const c5 = error({ ...both, programmer: 'rules:c5' });
    expect(c5.message).toMatch(/rules preset "c5": unknown rule preset "c5".*valid presets/);
    expect(c5.exitCode).toBe(2);
    expect(error({ ...both, programmer: 'rules', profile: 'prox-web' }).message).toBe('give only one of --programmer, --profile, --doc-model/--chunk-model, or --ultrax-model');
    const missing = error({ ...both, docModel: 'model.gguf' });
    expect(missing.message).toMatch(/no programmer given for the chunk stage: pass --chunk-model/);
    expect(missing.exitCode).toBe(2);
    expect(error({ stage: 'sideways' }).message).toBe('--stage must be doc, chunk, both, ultrax, not "sideways"');
    expect(programmerFromFlags({ ...both, profile: 'ultrax' })).toMatchObject({ spec: { type: 'profile', name: 'ultrax' }, stages: ['ultrax'] });
    expect(programmerFromFlags({ stage: 'ultrax', ultraxModel: 'ux.gguf', maxChars: '1000' })).toMatchObject({ spec: { type: 'stages', ultrax: 'ux.gguf', ultraxOptions: { maxChars: 1000 } }, stages: ['ultrax'] });
    expect(error({ stage: 'doc', profile: 'ultrax' }).message).toMatch(/UltraX writes one program per document \(stage ultrax\); --stage doc is a ProX stage/);
    expect(error({ ...both, maxChars: '10' }).message).toMatch(/--max-chars, --max-new-tokens and --ultrax-instruction apply to UltraX models/);
    expect(error({ ...both, endpoint: ['http://localhost:1'] }).message).toMatch(/--endpoint adds servers to an openai: stage/);
  });

  it('writes only the stage asked for; the other is null', async () => {
    const dir = tempDir();
    const input = join(dir, 'docs.jsonl');
    writeFileSync(input, JSON.stringify({ id: 'a', text: ARTICLE }) + '\n');
    const read = (file: string) => JSON.parse(readFileSync(file, 'utf8').trim()) as ProgramRecord;
    await programJsonl({ input, output: join(dir, 'doc.jsonl'), config: parseRuleSpec('c4+prox-lines'), stages: ['doc'] });
    expect(read(join(dir, 'doc.jsonl'))).toMatchObject({ doc_program: 'keep_doc()', chunk_program: null, reasons: { doc: null, chunk: [] } });
    await programJsonl({ input, output: join(dir, 'chunk.jsonl'), config: parseRuleSpec('c4+prox-lines'), stages: ['chunk'] });
    const chunk = read(join(dir, 'chunk.jsonl'));
    expect(chunk.doc_program).toBeNull();
    expect(chunk.chunk_program).toBe('remove_lines(start=0, end=1)\nremove_lines(start=7, end=7)\nnormalize(source_str="[3]", target_str="")');
  });
});
