/**
 * Writes UltraX programs with a loaded model, in this process (the model worker runs it):
 * each document is cut into UltraX's sliding windows (main/ultrax/windows.ts), each window
 * gets the model's chat prompt (ultrax-prompt.ts) and a greedy answer, and the windows'
 * answers are merged into the document's program exactly as UltraX's inference script stores
 * it (`model_output`). A window whose generation fails counts as `keep_all()` and is listed in
 * a `# Failed segments` comment, as in the reference.
 */
import type { DocumentInput, ProgrammerProgress, StageProgram } from '../prox/programmer';
import { pyStrip } from '../prox/words';
import { documentProgram, splitWindows, ultraxGrammar, type WindowOutput } from '../ultrax';
import type { GenerationEngine } from '../../native/llama/engine';
import type { NativeTokenizer } from '../../native/llama/model';
import { renderUltraxPrompt } from './ultrax-prompt';
import type { StageRunner } from './stage-runner';

/** Bump when the prompt building changes in a way that can change what the model writes. */
export const ULTRAX_PROMPT_VERSION = 'ultrax-chat-template-1';

/** UltraX's own generation limit (inference.py `--max_new_tokens`). */
export const ULTRAX_MAX_NEW_TOKENS = 4096;

/**
 * How closely to follow the reference: 'reference' generates freely, as UltraX does;
 * 'improved' (the default) constrains every answer to the function space with a grammar.
 */
export type UltraxFidelity = 'improved' | 'reference';

export interface UltraxRunnerOptions {
  readonly engine: GenerationEngine;
  readonly tokenizer: NativeTokenizer;
  /** The model's chat template (GGUF `tokenizer.chat_template`). */
  readonly chatTemplate: string;
  /** UltraX's system instruction (ultrax-instruction.ts). */
  readonly instruction: string;
  readonly maxChars: number;
  readonly overlapRatio: number;
  readonly fidelity: UltraxFidelity;
  readonly maxNewTokens?: number;
}

export function createUltraxRunner(options: UltraxRunnerOptions): StageRunner {
  const { engine, tokenizer } = options;
  const grammar = options.fidelity === 'reference' ? undefined : ultraxGrammar();
  const maxTokens = options.maxNewTokens ?? ULTRAX_MAX_NEW_TOKENS;

  return {
    async writeProgram(doc: DocumentInput, onTokens?: (delta: ProgrammerProgress) => void): Promise<StageProgram> {
      // UltraX sends no prompt for a blank document and stores an empty program.
      if (pyStrip(doc.text) === '') return { id: doc.id, stage: 'ultrax', program: '', notes: [], promptTokens: 0, generatedTokens: 0 };
      const windows = splitWindows(doc.text, options.maxChars, options.overlapRatio);
      let promptTokens = 0;
      let generatedTokens = 0;
      const failures: (string | null)[] = [];
      const outputs: WindowOutput[] = await Promise.all(
        windows.map(async (window, i): Promise<WindowOutput> => {
          try {
            const prompt = tokenizer.encode(renderUltraxPrompt(options.chatTemplate, options.instruction, window.text), true);
            const result = await engine.generate(prompt, { grammar, maxTokens });
            onTokens?.({ promptTokens: result.promptTokensEvaluated, generatedTokens: result.tokens.length });
            promptTokens += prompt.length;
            generatedTokens += result.tokens.length;
            failures[i] = null;
            return { response: tokenizer.decode(result.tokens) };
          } catch (err) {
            failures[i] = err instanceof Error ? err.message : String(err);
            return { response: null };
          }
        }),
      );
      return {
        id: doc.id,
        stage: 'ultrax',
        program: documentProgram(doc.text, windows, outputs),
        // Each window's raw answer, kept for audit and review (1-indexed windows as 0-based lines).
        chunks: windows.map((w, i) => ({
          firstLine: w.startLine - 1,
          lastLine: w.endLine - 1,
          program: outputs[i]!.response ?? '',
          ...(failures[i] ? { skipped: `generation failed, counted as keep_all() as UltraX does: ${failures[i]}` } : {}),
        })),
        notes: [],
        promptTokens,
        generatedTokens,
      };
    },
  };
}

