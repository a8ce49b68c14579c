/**
 * Writes ProX programs with a loaded model, in this process: prompt tokens exactly as the
 * reference builds them (main/prox/prompts.ts), greedy decoding, the reference token limits,
 * and one result per document, failures included.
 *
 * Two fidelities (contract/api.ts Fidelity):
 * - 'improved' (default): ` [/INST]` kept on long documents, answers constrained by the stage's
 *   GBNF grammar, over-long lines skipped, a chunk answer cut off at 256 tokens not applied;
 * - 'reference': GAIR-NLP/ProX's pipeline, quirks included: the prompts of
 *   `stagePromptOptions('reference')` (doc prompt cut at 2,000 tokens, BOS as the reference
 *   feeds them, over-long lines sent when their prompt fits the context), free greedy
 *   generation with no grammar up to the stage's limit or the context's end, and the raw output
 *   kept as the program even when cut off (the reference parser then weighs its errors).
 *
 * The worker child process (worker-entry.ts) runs this; tests and the benchmark may call it
 * directly. Documents are processed concurrently so every sequence of the engine stays busy.
 */
import type { ParseMode, Stage } from '../prox/program';
import type { ChunkProgram, DocumentInput, ProgrammerProgress, ProgramSlot, StageProgram } from '../prox/programmer';
import type { Tokenizer } from '../prox/tokens';
import type { PromptTruncation } from '../prox/prompts';
import { DEFAULT_CHUNK_BUDGET, mergeChunkPrograms } from '../prox/chunker';
import { chunkStagePrompts, docStagePrompt, stagePromptOptions } from '../prox/stage-prompts';
import type { Fidelity } from '../../contract/api';
import { parseProgram } from '../prox/parse';
import { docGrammar, chunkGrammar } from '../prox/grammar';
import { EngineUnavailableError, PromptTooLongError, type GenerationEngine } from '../../native/llama/engine';

/** Reference generation limits (GAIR-NLP/ProX sampling params): new tokens per answer. */
export const MAX_NEW_TOKENS: Readonly<Record<Stage, number>> = { doc: 2000, chunk: 256 };

export type DocMode = 'generate' | 'probability';

export interface StageRunnerOptions {
  readonly stage: Stage;
  readonly engine: GenerationEngine;
  readonly tokenizer: Tokenizer;
  /** Doc stage: greedy generation, or the one-forward-pass keep probability. */
  readonly mode?: DocMode;
  /** Probability mode: keep when P(keep) >= this. */
  readonly keepThreshold?: number;
  readonly parseMode?: ParseMode;
  /** How over-long prompts are fitted into the context (main/prox/prompts.ts); reference fidelity implies 'reference'. */
  readonly truncation?: PromptTruncation;
  readonly chunkBudget?: number;
  /** 'improved' (default) or 'reference' (see the top of this file). */
  readonly fidelity?: Fidelity;
}

export interface StageRunner {
  writeProgram(doc: DocumentInput, onTokens?: (delta: ProgrammerProgress) => void): Promise<StageProgram>;
}

const DOC_PROGRAMS = { keep: 'keep_doc()', drop: 'drop_doc()' } as const;

export function createStageRunner(options: StageRunnerOptions): StageRunner {
  const { stage, engine, tokenizer } = options;
  const settings = runnerSettings(options);
  const { parseMode, grammar } = settings;
  const contextSize = engine.info.contextSize;
  // The prompts come from main/prox/stage-prompts.ts, the same code `refinery prompt` shows.
  const promptOptions = stagePromptOptions(settings.truncation, contextSize, options.chunkBudget ?? DEFAULT_CHUNK_BUDGET);
  const promptFor = (text: string): number[] => docStagePrompt(text, tokenizer, promptOptions).tokens;

  /** Greedy answer for one prompt (under the grammar unless reference); the output text with spaces stripped like the reference. */
  const answer = async (prompt: number[], onTokens?: (delta: ProgrammerProgress) => void): Promise<{ text: string; promptTokens: number; generatedTokens: number; cutOff: boolean }> => {
    const result = await engine.generate(prompt, { grammar, maxTokens: MAX_NEW_TOKENS[stage] });
    const generatedTokens = result.generatedTokens ?? result.tokens.length;
    onTokens?.({ promptTokens: result.promptTokensEvaluated, generatedTokens });
    return { text: stripSpaces(result.text ?? tokenizer.detokenize(result.tokens)), promptTokens: prompt.length, generatedTokens, cutOff: result.stop === 'maxTokens' };
  };

  const docByGeneration = async (doc: DocumentInput, onTokens?: (delta: ProgrammerProgress) => void): Promise<StageProgram> => {
    const { text, promptTokens, generatedTokens } = await answer(promptFor(doc.text), onTokens);
    return { id: doc.id, stage, program: text, notes: parseNotes(text, parseMode), promptTokens, generatedTokens };
  };

  const docByProbability = async (doc: DocumentInput, onTokens?: (delta: ProgrammerProgress) => void): Promise<StageProgram> => {
    const prompt = promptFor(doc.text);
    const threshold = options.keepThreshold ?? 0.5;
    if (grammar === undefined) throw new Error('the probability mode needs the doc grammar; reference fidelity generates');
    const decision = await firstDecision(engine, tokenizer, prompt, grammar);
    onTokens?.({ promptTokens: decision.promptTokensEvaluated, generatedTokens: decision.steps });
    const keep = decision.keepProbability >= threshold;
    const probability = Number(decision.keepProbability.toFixed(6));
    return {
      id: doc.id,
      stage,
      program: keep ? DOC_PROGRAMS.keep : DOC_PROGRAMS.drop,
      keepProbability: probability,
      notes: [{ line: 0, probability, reason: `P(keep) ${probability.toFixed(3)} ${keep ? '>=' : '<'} threshold ${threshold}` }],
      promptTokens: prompt.length,
      generatedTokens: decision.steps,
    };
  };

  const chunkProgram = async (doc: DocumentInput, onTokens?: (delta: ProgrammerProgress) => void): Promise<StageProgram> => {
    const prompts = chunkStagePrompts(doc.text, tokenizer, promptOptions);
    let promptTokens = 0;
    let generatedTokens = 0;
    // All chunks of a document go in at once: they are independent prompts and fill more sequences.
    const programs: ChunkProgram[] = await Promise.all(
      prompts.map(async (prompt): Promise<ChunkProgram> => {
        const range = { firstLine: prompt.firstLine, lastLine: prompt.lastLine };
        if (prompt.skipped !== undefined) return { ...range, program: '', skipped: prompt.skipped };
        try {
          const result = await answer(prompt.tokens, onTokens);
          promptTokens += result.promptTokens;
          generatedTokens += result.generatedTokens;
          // The grammar has no call cap (grammar.ts), so a looping answer runs into the token
          // budget. Its calls are not applied: the chunk stays as it is, and the reason says why.
          // The reference keeps the cut-off text; its parser counts the broken last call.
          if (result.cutOff && options.fidelity !== 'reference') return { ...range, program: '', output: result.text, skipped: `the answer was cut off at the ${MAX_NEW_TOKENS.chunk}-token budget (a runaway or looping output), so its calls are not applied: ${JSON.stringify(result.text.slice(0, 120))}` };
          return { ...range, program: result.text };
        } catch (err) {
          // A prompt that fills the whole context leaves no room for an answer (the reference's vLLM returns none).
          if (err instanceof PromptTooLongError) return { ...range, program: '', skipped: err.message };
          throw err;
        }
      }),
    );
    const program = mergeChunkPrograms(programs.map((c) => c.program));
    return { id: doc.id, stage, program, chunks: programs, notes: parseNotes(program, parseMode), promptTokens, generatedTokens };
  };

  return {
    async writeProgram(doc, onTokens) {
      try {
        if (stage === 'chunk') return await chunkProgram(doc, onTokens);
        return options.mode === 'probability' ? await docByProbability(doc, onTokens) : await docByGeneration(doc, onTokens);
      } catch (err) {
        // Not this document's fault: the caller stops the batch, and it runs again later.
        if (err instanceof EngineUnavailableError) throw err;
        return failedProgram(doc.id, stage, `model failed on this document: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
}

interface RunnerSettings {
  readonly truncation: PromptTruncation;
  readonly parseMode: ParseMode;
  /** The stage's GBNF; undefined: free generation. */
  readonly grammar: string | undefined;
}

/** What a fidelity fixes: reference fidelity runs the reference's prompts, parser and free generation, whatever else is asked. */
function runnerSettings(options: StageRunnerOptions): RunnerSettings {
  if (options.fidelity === 'reference') {
    if (options.mode === 'probability') throw new Error('reference fidelity generates the doc-stage answer as the reference does; the probability mode is an improvement of its own (use fidelity improved)');
    if (options.truncation === 'keep-inst') throw new Error("reference fidelity cuts prompts as the reference does (truncation 'reference'), not 'keep-inst'");
    if (options.parseMode === 'strict') throw new Error("reference fidelity reads programs with the reference parser (parseMode 'reference'), not 'strict'");
    return { truncation: 'reference', parseMode: 'reference', grammar: undefined };
  }
  return {
    truncation: options.truncation ?? 'keep-inst',
    parseMode: options.parseMode ?? 'strict',
    grammar: options.stage === 'doc' ? docGrammar() : chunkGrammar(),
  };
}

export function failedProgram(id: string, stage: ProgramSlot, failure: string): StageProgram {
  return { id, stage, program: '', notes: [], failure, promptTokens: 0, generatedTokens: 0 };
}

/** The reference strips spaces only (not newlines) from both ends of the model output. */
function stripSpaces(text: string): string {
  return text.replace(/^ +| +$/g, '');
}

/** Grammar-constrained output should always parse; if it does not, say so on the program line. */
function parseNotes(program: string, mode: ParseMode): StageProgram['notes'] {
  const parsed = parseProgram(program, mode);
  return parsed.errors.map((e) => ({ line: e.line, reason: `model output does not parse: ${e.message}` }));
}

export interface FirstDecision {
  readonly keepProbability: number;
  readonly steps: number;
  readonly promptTokensEvaluated: number;
}

/**
 * The doc-stage fast path: one forward pass over the prompt, then the grammar-masked next-token
 * distribution. Tokens are classed by the text they would start the program with (`keep_doc()`
 * or `drop_doc()`); a token that commits to neither (a bare space) is followed greedily, so a
 * leading-space answer costs one more step. P(keep) compares the most likely keep token with
 * the most likely drop token: it is the greedy choice's own confidence, so the decision at 0.5 is
 * exactly what greedy generation writes; for trained models nearly all the mass sits on one
 * token per class and this equals the class-mass ratio.
 */
export async function firstDecision(engine: GenerationEngine, tokenizer: Tokenizer, prompt: number[], grammar: string): Promise<FirstDecision> {
  let written = '';
  let keepProbability: number | null = null;
  const previous: number[] = [];
  const result = await engine.probe(prompt, {
    grammar,
    maxSteps: 8,
    inspect: ({ token, probabilities }) => {
      let bestKeep = 0;
      let bestDrop = 0;
      for (const [candidate, p] of probabilities) {
        if (p <= 0) break; // sorted highest first; the grammar masks the rest to 0
        const klass = classify(written + pieceText(tokenizer, candidate, previous));
        if (klass === 'keep' && p > bestKeep) bestKeep = p;
        else if (klass === 'drop' && p > bestDrop) bestDrop = p;
      }
      const chosen = classify(written + pieceText(tokenizer, token, previous));
      if (chosen !== null && bestKeep + bestDrop > 0) {
        keepProbability = bestKeep / (bestKeep + bestDrop);
        return 'stop';
      }
      written += pieceText(tokenizer, token, previous);
      previous.push(token);
      return 'continue';
    },
  });
  if (keepProbability === null) throw new Error('the doc grammar did not lead to keep_doc() or drop_doc() within 8 tokens');
  return { keepProbability, steps: result.steps, promptTokensEvaluated: result.promptTokensEvaluated };
}

function pieceText(tokenizer: Tokenizer, token: number, previous: readonly number[]): string {
  // Decoding with the previous tokens keeps word-initial spaces; the class only needs the letters.
  const whole = tokenizer.detokenize([...previous, token]);
  const before = previous.length > 0 ? tokenizer.detokenize(previous) : '';
  return whole.slice(before.length);
}

function classify(text: string): 'keep' | 'drop' | null {
  const written = text.trimStart();
  if (written.length === 0) return null;
  for (const [klass, program] of Object.entries(DOC_PROGRAMS) as ['keep' | 'drop', string][]) {
    if (program.startsWith(written) || written.startsWith(program)) return klass;
  }
  return null;
}
