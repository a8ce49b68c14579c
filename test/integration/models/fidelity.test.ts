/**
 * ProX fidelity through real llama.cpp: scripted models (test/support/scripted-llama.ts) write
 * a chosen output, so each difference between reference fidelity (GAIR-NLP/ProX's pipeline) and
 * the default (improved) shows in what the stage runner feeds, keeps and reports:
 * a long document, a cut-off program, a comment line and a final newline, an over-long line,
 * and both spellings of the token after BOS.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadRuntime, type LlamaRuntime } from '../../../native/llama/runtime';
import { loadModel, type LoadedModel } from '../../../native/llama/model';
import type { GenerationEngine } from '../../../native/llama/engine';
import { createStageRunner, type StageRunner } from '../../../main/models/stage-runner';
import { proxTokenizer } from '../../../main/models/tokenizer';
import type { Fidelity } from '../../../contract/api';
import type { Stage } from '../../../main/prox/program';
import type { Tokenizer } from '../../../main/prox/tokens';
import { decideDoc, parseProgram } from '../../../main/prox/parse';
import { executeProgram } from '../../../main/prox/executor';
import { scriptedModelPath, type ScriptedLlamaOptions } from '../../support/scripted-llama';
import { TEST_THREADS } from './tiny-models';

const INST_CLOSE = [518, 29914, 25580, 29962]; // ▁[ / INST ]

interface Scripted {
  readonly tokenizer: Tokenizer;
  /** The script's token ids. */
  readonly script: number[];
  /** Every prompt the engine was given, in order. */
  readonly prompts: number[][];
  runner(stage: Stage, fidelity?: Fidelity): StageRunner;
}

let runtime: LlamaRuntime | undefined;
const open: { model: LoadedModel; engine: GenerationEngine }[] = [];
afterAll(async () => {
  for (const { model, engine } of open) {
    await engine.dispose();
    await model.dispose();
  }
});

/** A scripted model (written once per machine, named by its script) with a recording engine. */
async function scripted(options: Omit<ScriptedLlamaOptions, 'vocabulary'>, legacy?: boolean): Promise<Scripted> {
  const { path, script } = scriptedModelPath(options, legacy);
  runtime ??= await loadRuntime(false);
  const model = await loadModel(runtime, path);
  const real = await model.createEngine({ sequences: 2, contextSize: 2048, threads: TEST_THREADS });
  open.push({ model, engine: real });
  const prompts: number[][] = [];
  const engine: GenerationEngine = { ...real, info: real.info, dispose: real.dispose, probe: real.probe, generate: (prompt, o) => (prompts.push([...prompt]), real.generate(prompt, o)) };
  const tokenizer = proxTokenizer(model.tokenizer, path);
  return { tokenizer, script, prompts, runner: (stage, fidelity) => createStageRunner({ stage, engine, tokenizer, ...(fidelity ? { fidelity } : {}) }) };
}

/** Words the scripts below never use, so a document's last token never stands inside a script. */
const FILLER = 'Paragraph about the weather in town and the river near the school.';

describe('a long document (doc stage)', () => {
  it('reference: cut at 2,000 tokens losing [/INST], free generation to the end of the context, dropped because `drop` appears; improved: [/INST] kept, a grammar answer', async () => {
    const m = await scripted({ text: 'drop it ', end: 'loop' });
    const doc = { id: 'long', text: Array.from({ length: 300 }, () => FILLER).join('\n') };

    m.prompts.length = 0;
    const reference = await m.runner('doc', 'reference').writeProgram(doc);
    expect(reference.failure).toBeUndefined();
    expect(reference.promptTokens).toBe(2000);
    expect(m.prompts[0]!.slice(-4)).not.toEqual(INST_CLOSE);
    expect(m.prompts[0]!.filter((t) => t === m.tokenizer.bos)).toHaveLength(1);
    // No grammar and no stop: the loop runs until the 2,048-token context is full.
    expect(reference.generatedTokens).toBe(48);
    expect(reference.program).toMatch(/^drop it +drop it/);
    expect(reference.program.match(/drop/g)).toHaveLength(16);
    expect(decideDoc(reference.program, 'reference').dropped).toBe(true);
    // The strict parser would have kept it: prose is no drop_doc() call.
    expect(decideDoc(reference.program, 'strict').dropped).toBe(false);

    m.prompts.length = 0;
    const improved = await m.runner('doc').writeProgram(doc);
    expect(improved.failure).toBeUndefined();
    expect(m.prompts[0]!.slice(-4)).toEqual(INST_CLOSE);
    expect(improved.promptTokens).toBeLessThanOrEqual(2048 - 16);
    expect(improved.program).toMatch(/^(keep|drop)_doc\(\)$/);
    expect(improved.generatedTokens).toBeLessThanOrEqual(8);
  });

  it('reference keeps a document whose answer has no `drop` in it', async () => {
    const m = await scripted({ text: 'Looks like a good page.', end: 'eos' });
    const result = await m.runner('doc', 'reference').writeProgram({ id: 'short', text: FILLER });
    expect(result.program).toBe('Looks like a good page.');
    expect(decideDoc(result.program, 'reference').dropped).toBe(false);
  });
});

describe('a cut-off program (chunk stage)', () => {
  const text = [`Home ${FILLER}`, `Menu ${FILLER}`, `Body ${FILLER}`, `Footer ${FILLER}`].join('\n');

  it('reference keeps the 256 tokens it wrote and its parser cancels the broken program; improved applies none of it', async () => {
    const m = await scripted({ text: 'remove_lines(start=1, end=2)\n', end: 'loop' });
    // The script repeats every L tokens; 256 is not a whole number of calls, so the last one is cut.
    expect(256 % m.script.length).not.toBe(0);

    const reference = await m.runner('chunk', 'reference').writeProgram({ id: 'd', text });
    expect(reference.failure).toBeUndefined();
    expect(reference.chunks).toHaveLength(1);
    expect(reference.chunks![0]!.skipped).toBeUndefined();
    expect(reference.generatedTokens).toBe(256);
    const calls = reference.program.split('\n');
    const whole = Math.floor(256 / m.script.length);
    expect(calls.slice(0, whole)).toEqual(Array.from({ length: whole }, () => 'remove_lines(start=1, end=2)'));
    expect(calls[whole]!.length).toBeGreaterThan(0);
    expect('remove_lines(start=1, end=2)'.startsWith(calls[whole]!)).toBe(true);
    expect(calls[whole]).not.toBe('remove_lines(start=1, end=2)');
    const executed = executeProgram({ text, chunkProgram: reference.program, mode: 'reference' });
    // The broken last call counts 2 errors in the reference tally: the whole program is ignored.
    expect(executed.errorCount).toBeGreaterThanOrEqual(2);
    expect(executed.cancelled).toBe(true);
    expect(executed.text).toBe(text);

    const improved = await m.runner('chunk').writeProgram({ id: 'd', text });
    expect(improved.chunks![0]!.skipped).toMatch(/cut off at the 256-token budget/);
    expect(improved.program).toBe('');
    expect(improved.generatedTokens).toBe(256);
  });
});

describe('a comment line and a final newline (chunk stage)', () => {
  const text = [`Home | About | Contact`, `Body ${FILLER}`, `More ${FILLER}`].join('\n');

  it('both fidelities write and apply `# comment` + call exactly', async () => {
    const m = await scripted({ text: '# the menu line\nremove_lines(start=0, end=0)', end: 'eos' });
    for (const fidelity of ['reference', 'improved'] as const) {
      const result = await m.runner('chunk', fidelity).writeProgram({ id: 'd', text });
      expect(result.program, fidelity).toBe('# the menu line\nremove_lines(start=0, end=0)');
      const mode = fidelity === 'reference' ? 'reference' : 'strict';
      expect(parseProgram(result.program, mode).errors, fidelity).toEqual([]);
      const executed = executeProgram({ text, chunkProgram: result.program, mode });
      expect(executed.text, fidelity).toBe(text.split('\n').slice(1).join('\n'));
    }
  });

  it('both fidelities keep a final newline', async () => {
    const m = await scripted({ text: 'remove_lines(start=0, end=0)\n', end: 'eos' });
    for (const fidelity of ['reference', 'improved'] as const) {
      const result = await m.runner('chunk', fidelity).writeProgram({ id: 'd', text });
      expect(result.program, fidelity).toBe('remove_lines(start=0, end=0)\n');
      expect(result.chunks![0]!.skipped, fidelity).toBeUndefined();
    }
  });
});

describe('an over-long line (chunk stage)', () => {
  // Lines of ~1,700 and ~3,400 tokens: both over the 1,500-token chunk budget; only the first fits the context.
  const fits = Array.from({ length: 450 }, (_, i) => `word${i}`).join(' ');
  const huge = Array.from({ length: 900 }, (_, i) => `word${i}`).join(' ');
  const text = ['Home | About', fits, huge, `Last ${FILLER}`].join('\n');

  it('reference sends it as a chunk of its own when its prompt fits the context (none when it does not); improved skips both', async () => {
    const m = await scripted({ text: 'remove_lines(start=0, end=0)', end: 'eos' });
    m.prompts.length = 0;
    const reference = await m.runner('chunk', 'reference').writeProgram({ id: 'd', text });
    expect(reference.chunks!.map((c) => [c.firstLine, c.lastLine])).toEqual([[0, 0], [1, 1], [2, 2], [3, 3]]);
    const [, sent, ignored] = reference.chunks!;
    expect(sent!.skipped).toBeUndefined();
    expect(sent!.program).toBe('remove_lines(start=0, end=0)');
    expect(ignored!.skipped).toMatch(/longer than the 2048-token context \(the reference's vLLM ignores it/);
    expect(ignored!.program).toBe('');
    expect(m.prompts).toHaveLength(3);
    const long = m.prompts.find((p) => p.length > 1500)!;
    expect(long.length).toBeLessThan(2048);
    expect(long.slice(-4)).toEqual(INST_CLOSE);

    const improved = await m.runner('chunk').writeProgram({ id: 'd', text });
    expect(improved.chunks!.map((c) => c.skipped === undefined)).toEqual([true, false, false, true]);
    for (const c of improved.chunks!.slice(1, 3)) expect(c.skipped).toMatch(/over the 1500-token chunk budget/);
  });
});

describe('both spellings after BOS', () => {
  for (const [legacy, second] of [[false, 29961], [true, 518], [undefined, 518]] as const) {
    it(`legacy ${String(legacy)}: "${second === 518 ? '▁[' : '['}" (${second}); the reference chunk prompt carries two BOS, the doc prompt and every improved prompt one`, async () => {
      const m = await scripted({ text: 'remove_lines(start=0, end=0)', end: 'eos' }, legacy);
      const doc = { id: 'd', text: 'Home | About\nWelcome to the page.' };
      const bos = m.tokenizer.bos;
      const firstPrompt = async (stage: Stage, fidelity: Fidelity): Promise<number[]> => {
        m.prompts.length = 0;
        const result = await m.runner(stage, fidelity).writeProgram(doc);
        expect(result.failure).toBeUndefined();
        // The model ran on that prompt and wrote its script.
        if (stage === 'chunk') expect(result.program).toBe('remove_lines(start=0, end=0)');
        return m.prompts[0]!;
      };
      expect((await firstPrompt('chunk', 'reference')).slice(0, 3)).toEqual([bos, bos, second]);
      expect((await firstPrompt('doc', 'reference')).slice(0, 2)).toEqual([bos, second]);
      expect((await firstPrompt('chunk', 'improved')).slice(0, 2)).toEqual([bos, second]);
      expect((await firstPrompt('doc', 'improved')).slice(0, 2)).toEqual([bos, second]);
    });
  }
});
