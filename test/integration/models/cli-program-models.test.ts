/**
 * `refinery program` with model programmers (issue 11 §2): the real CLI and the real model
 * worker process on the tiny refiner GGUF, through --doc-model and --chunk-model. Records keep
 * the input order and add each stage's raw answers (doc_output, chunk_outputs with their line
 * ranges) beside the programs; a rule stage keeps its reasons; a profile whose model is missing
 * fails with the message refine gives; flag mistakes read and exit as in refine; Ctrl-C while
 * the model writes leaves no output and no temp file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DOCUMENTS_FAILED_EXIT_CODE } from '../../../main/cli/refine';
import type { ProgramRecord } from '../../../main/cli/program';
import { decideDoc } from '../../../main/prox/parse';
import { mergeChunkPrograms } from '../../../main/prox/chunker';
import { parseRuleSpec } from '../../../main/rules/config';
import { writeRulePrograms } from '../../../main/rules/write-programs';
import { repoRoot, tempHome } from '../workspace/helpers';
import { sampleDocs, TEST_THREADS, tinyRefinerPath } from './tiny-models';

const home = tempHome('refinery-program-models-');
afterAll(() => {
  if (!process.env.REFINERY_KEEP_TEST_HOME) home.cleanup();
});
const bin = join(repoRoot, 'bin', 'refinery.mjs');
const env = { ...home.env, REFINERY_LLAMA_THREADS: String(TEST_THREADS) };

function refinery(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', timeout: 240_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function records(file: string): ProgramRecord[] {
  return readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as ProgramRecord);
}

const DOCS = [
  ...sampleDocs(3),
  // Long enough for two chunks (the chunk budget is 1,500 tokens), so line ranges are document-global.
  { id: 'long', text: Array.from({ length: 120 }, (_, i) => `Line ${i}: the council met again on Tuesday to discuss the river bridge and its repairs.`).join('\n') },
  { id: 7, text: 'Too short.' },
];
const input = join(home.home, 'docs.jsonl');
writeFileSync(input, [JSON.stringify(DOCS[0]), '{"id": "no-text"}', ...DOCS.slice(1).map((d) => JSON.stringify(d))].join('\n') + '\n');
const LINES = [1, 3, 4, 5, 6]; // input line of each document (line 2 is bad)

/** The chunk-stage line ranges `refinery prompt` shows for the model's tokenizer, by input line. */
let promptRanges: Map<number, number[][]> | null = null;
function chunkRanges(line: number): number[][] {
  if (!promptRanges) {
    const out = join(home.home, 'prompts.jsonl');
    const run = refinery(['prompt', '--dialect', 'prox', '--stage', 'chunk', '--tokenizer', tinyRefinerPath(), '--in', input, '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const prompts = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { line: number; prompts: { start_line: number; end_line: number }[] });
    promptRanges = new Map(prompts.map((p) => [p.line, p.prompts.map((c) => [c.start_line, c.end_line])]));
  }
  return promptRanges.get(line)!;
}

/** What every record says about its chunk stage, whatever the random model wrote. */
function expectChunkStage(record: ProgramRecord): void {
  const outputs = record.chunk_outputs;
  if (!outputs) throw new Error(`record ${String(record.id)} has no chunk_outputs`);
  // The chunks are the ones the model was given, in order, with document-global 0-based line ranges.
  expect(outputs.map((c) => [c.start_line, c.end_line])).toEqual(chunkRanges(record.line));
  for (const chunk of outputs) {
    expect(typeof chunk.output).toBe('string'); // every chunk here was sent to the model
    if (chunk.skipped !== undefined) {
      // A cut-off answer is not applied, but its raw text is kept whole.
      expect(chunk.skipped).toMatch(/cut off at the 256-token budget/);
      expect(chunk.skipped).toContain(JSON.stringify(chunk.output!.slice(0, 120)).slice(1, -1));
      expect(chunk.output!.length).toBeGreaterThan(0);
    }
  }
  // The chunk program is the applied answers joined, as refine stores it.
  expect(record.chunk_program).toBe(mergeChunkPrograms(outputs.map((c) => (c.skipped !== undefined ? '' : c.output!))));
}

describe('refinery program with model programmers', () => {
  const model = tinyRefinerPath();

  it('--doc-model and --chunk-model: records in input order with each stage\'s raw answers beside the programs', { timeout: 300_000 }, () => {
    const out = join(home.home, 'both.jsonl');
    const run = refinery(['program', '--doc-model', model, '--chunk-model', model, '--batch-size', '2', '--in', input, '--out', out, '-q']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`${input}:2: field "text" is missing; line skipped`);
    expect(run.stderr).toMatch(/^programmed 5 documents with doc=model:[0-9a-f]{64}:.* in [0-9.]+ s .*; 0 documents failed; 1 bad input lines skipped$/m);
    const got = records(out);
    expect(got.map((r) => [r.id, r.line])).toEqual(DOCS.map((d, i) => [d.id, LINES[i]]));
    for (const [i, record] of got.entries()) {
      expect(record.text).toBe(DOCS[i]!.text);
      expect(record.programmer).toMatch(/^doc=model:[0-9a-f]{64}:doc:greedy:\S+ chunk=model:[0-9a-f]{64}:chunk:greedy:\S+$/);
      expect(['keep_doc()', 'drop_doc()']).toContain(record.doc_program);
      expect(record.doc_output).toBe(record.doc_program);
      expect(record.failed).toBeUndefined();
      if (decideDoc(record.doc_program!, 'strict').dropped) {
        // A dropped document does not go on to the chunk stage.
        expect(record.chunk_program).toBeNull();
        expect(record.chunk_outputs).toBeNull();
      } else expectChunkStage(record);
    }
    // The tiny model keeps these documents, and its chunk answers run into the 256-token budget:
    // both paths above were taken (the model's seed is fixed, so this holds on every run).
    expect(got.filter((r) => r.chunk_outputs).length).toBeGreaterThan(0);
    expect(got.some((r) => r.chunk_outputs?.some((c) => c.skipped !== undefined))).toBe(true);
    // The whole file went through the worker, which the temp file + rename left alone.
    expect(readdirSync(home.home).filter((f) => f.startsWith('both.jsonl'))).toEqual(['both.jsonl']);
  });

  it('--stage chunk: every document goes to the chunk model, with document-global line ranges', { timeout: 300_000 }, () => {
    const out = join(home.home, 'chunk.jsonl');
    const run = refinery(['program', '--chunk-model', model, '--stage', 'chunk', '--in', input, '--out', out, '-q']);
    expect(run.status, run.stderr).toBe(0);
    const got = records(out);
    expect(got).toHaveLength(DOCS.length);
    expect(got.map((r) => r.id)).toEqual(DOCS.map((d) => d.id));
    for (const record of got) {
      expect(record.doc_program).toBeNull();
      expect(record).not.toHaveProperty('doc_output');
      expectChunkStage(record);
    }
    expect(got[3]!.chunk_outputs!.length).toBeGreaterThan(1);
    expect(got[3]!.chunk_outputs![1]!.start_line).toBeGreaterThan(0);
  });

  it('--fidelity reference: the doc stage generates freely, its raw answer is the program, and the reference parser decides', { timeout: 300_000 }, () => {
    const out = join(home.home, 'reference.jsonl');
    const two = join(home.home, 'two.jsonl');
    writeFileSync(two, DOCS.slice(0, 2).map((d) => JSON.stringify(d)).join('\n') + '\n');
    const run = refinery(['program', '--doc-model', model, '--chunk-model', model, '--fidelity', 'reference', '--in', two, '--out', out, '-q']);
    expect(run.status, run.stderr).toBe(0);
    const got = records(out);
    expect(got.map((r) => r.id)).toEqual(DOCS.slice(0, 2).map((d) => d.id));
    for (const record of got) {
      expect(record.programmer).toMatch(/^doc=model:[0-9a-f]{64}:doc:greedy:reference:reference:\S+:none chunk=model:[0-9a-f]{64}:chunk:greedy:reference:reference:\S+:none$/);
      expect(typeof record.doc_output).toBe('string');
      expect(record.doc_program).toBe(record.doc_output);
      // Free generation: not one of the two programs the grammar allows (the random model writes anything).
      expect(['keep_doc()', 'drop_doc()']).not.toContain(record.doc_output);
      const dropped = decideDoc(record.doc_program!, 'reference').dropped;
      expect(record.chunk_program === null).toBe(dropped);
      if (!dropped) {
        // The reference keeps a cut-off chunk answer as the program: nothing is skipped for it.
        expect(record.chunk_outputs!.every((c) => c.skipped === undefined)).toBe(true);
        expect(record.chunk_program).toBe(mergeChunkPrograms(record.chunk_outputs!.map((c) => c.output!)));
      }
    }
  });

  it('a rules stage beside a model stage keeps its reasons; the rules alone write what they always wrote', { timeout: 300_000 }, () => {
    const out = join(home.home, 'mixed.jsonl');
    const run = refinery(['program', '--doc-model', 'rules:c4', '--chunk-model', model, '--in', input, '--out', out, '-q']);
    expect(run.status, run.stderr).toBe(0);
    const got = records(out);
    const c4 = parseRuleSpec('c4');
    for (const [i, record] of got.entries()) {
      const rules = writeRulePrograms(DOCS[i]!.text, c4).doc;
      expect(record.doc_program).toBe(rules.program);
      expect(record.reasons.doc).toBe(rules.notes[0]?.reason ?? null);
      if (rules.program === 'drop_doc()') expect(record.chunk_program).toBeNull();
      else expectChunkStage(record);
    }
    expect(got[4]).toMatchObject({ id: 7, doc_program: 'drop_doc()', reasons: { doc: 'c4: sentences in kept lines 0 < 5' }, chunk_program: null });

    // The rule programmer alone: the same records as before model programmers came to `program`.
    const rulesOut = join(home.home, 'rules.jsonl');
    const plain = refinery(['program', '--programmer', 'rules:c4', '--in', input, '--out', rulesOut]);
    expect(plain.status, plain.stderr).toBe(0);
    const ruled = records(rulesOut);
    for (const [i, record] of ruled.entries()) {
      const programs = writeRulePrograms(DOCS[i]!.text, c4);
      expect(record).toEqual({
        id: DOCS[i]!.id,
        line: LINES[i],
        text: DOCS[i]!.text,
        programmer: 'rules:c4@2',
        doc_program: programs.doc.program,
        chunk_program: programs.chunk.program,
        reasons: { doc: programs.doc.notes[0]?.reason ?? null, chunk: programs.chunk.notes.map((n) => ({ line: n.line, reason: n.reason ?? '' })) },
      });
    }
  });

  it('a --profile whose model is not in the models folder fails with the message refine gives, and writes nothing', { timeout: 120_000 }, () => {
    const out = join(home.home, 'profile.jsonl');
    const run = refinery(['program', '--profile', 'prox-web', '--in', input, '--out', out, '-q']);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain(`the doc-stage model gair-prox/web-doc-refining-lm is not in ${join(home.home, 'models')} (looked for web-doc-refining-lm.<TYPE>.gguf`);
    expect(run.stderr).toContain('refinery models add gair-prox/web-doc-refining-lm');
    expect(existsSync(out)).toBe(false);
    // refine says the same, and exits the same way.
    mkdirSync(join(home.home, 'profile-corpus'), { recursive: true });
    const refine = refinery(['refine', join(home.home, 'profile-corpus'), '--profile', 'prox-web', '--quiet']);
    expect(refine.status, refine.stderr).toBe(1);
    const missing = (text: string) => text.split('\n').find((line) => line.includes('is not in'));
    expect(missing(run.stderr)).toBeDefined();
    expect(missing(run.stderr)).toBe(missing(refine.stderr));
    expect(readdirSync(home.home).filter((f) => f.startsWith('profile.jsonl'))).toEqual([]);
  });

  it('flag mistakes read and exit as they do in refine', { timeout: 120_000 }, () => {
    mkdirSync(join(home.home, 'empty'), { recursive: true });
    for (const flags of [['--doc-model', model], ['--programmer', 'rules:c5'], ['--stage', 'sideways']]) {
      const program = refinery(['program', ...flags, '--in', input, '--out', join(home.home, 'never.jsonl')]);
      const refine = refinery(['refine', join(home.home, 'empty'), ...flags]);
      expect(program.stderr.trim()).not.toBe('');
      expect(program.stderr).toBe(refine.stderr);
      expect(program.status).toBe(refine.status);
    }
    expect(existsSync(join(home.home, 'never.jsonl'))).toBe(false);
    expect(DOCUMENTS_FAILED_EXIT_CODE).toBe(4);
  });

  it('SIGINT while the model writes: progress shows done/total, then --out is not written and no temp file is left', { timeout: 300_000 }, async () => {
    const many = join(home.home, 'many.jsonl');
    writeFileSync(many, sampleDocs(400).map((d) => JSON.stringify(d)).join('\n') + '\n');
    const dir = join(home.home, 'interrupted');
    mkdirSync(dir);
    const out = join(dir, 'programs.jsonl');
    const child = spawn(process.execPath, [bin, 'program', '--doc-model', model, '--stage', 'doc', '--batch-size', '4', '--in', many, '--out', out], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // Interrupt once the progress line (done/total on stderr) shows documents done, while the model runs.
    const temp = `${out}.tmp-${child.pid}`;
    const started = Date.now();
    while (!(existsSync(temp) && /^programming [1-9][0-9]*\/400 \[[a-z-]+\] doc [0-9]+\/400; [0-9.]+ docs\/s, [0-9]+ tok\/s, ETA \S+, 0 failed$/m.test(stderr))) {
      if (Date.now() - started > 200_000) throw new Error(`no progress was shown: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    const result = await ended;
    expect(result.signal, stderr).toBeNull();
    expect(result.code, stderr).toBe(130);
    expect(stderr).toContain(`interrupted by SIGINT: ${out} was not written, and no temp file is left`);
    expect(readdirSync(dir)).toEqual([]);
  });
});
