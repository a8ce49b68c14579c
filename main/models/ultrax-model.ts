/**
 * What running an UltraX model needs besides its weights, gathered before the worker starts:
 * the chat template from the GGUF, the system instruction (the user's option, else kept in the
 * GGUF at conversion, else the inference script of a checkpoint fetched into the models
 * folder), and the window and context settings of the chosen fidelity.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { metadataScalar, readGguf } from '../../native/gguf';
import { DEFAULT_MAX_CHARS, DEFAULT_OVERLAP_RATIO } from '../ultrax';
import type { UltraxProgrammerSettings } from './model-programmer';
import { describeInstruction, INFERENCE_SCRIPT, INFERENCE_SCRIPT_IN_MODEL_REPO, INSTRUCTION_GGUF_KEY, instructionInCheckpoint, readInstructionFile, ULTRAX_CODE_COMMIT, type UltraxInstruction } from '../convert/ultrax-instruction';
import { ULTRAX_MAX_NEW_TOKENS, type UltraxFidelity } from './ultrax-runner';

export interface UltraxOptions {
  readonly fidelity?: UltraxFidelity;
  /** Window size in characters (UltraX's default 48,000). */
  readonly maxChars?: number;
  readonly overlapRatio?: number;
  /** UltraX's inference.py, or a text file holding the instruction. */
  readonly instruction?: string;
  /** Tokens per sequence (prompt + answer); default by fidelity, capped by the model's. */
  readonly contextSize?: number;
  /** Longest answer per window; default UltraX's 4,096. */
  readonly maxNewTokens?: number;
}

/**
 * Context per sequence: UltraX ran vLLM with 32,768 (`--max_model_len`), which the reference
 * fidelity keeps. 16,384 holds a full 48,000-character window of ordinary text (about 12,000
 * tokens) plus UltraX's 4,096-token answer limit in most cases, at half the KV-cache memory.
 */
export const ULTRAX_CONTEXT: Readonly<Record<UltraxFidelity, number>> = { improved: 16_384, reference: 32_768 };

export class UltraxSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UltraxSetupError';
  }
}

export function ultraxSettingsFor(modelPath: string, options: UltraxOptions = {}, modelsDir?: string): UltraxProgrammerSettings {
  const file = readGguf(modelPath);
  const architecture = metadataScalar(file, 'general.architecture');
  if (architecture !== 'qwen3') throw new UltraxSetupError(`${modelPath}: an UltraX model is a Qwen3 model, but this file is "${String(architecture)}"`);
  const chatTemplate = metadataScalar(file, 'tokenizer.chat_template');
  if (typeof chatTemplate !== 'string' || chatTemplate === '') {
    throw new UltraxSetupError(`${modelPath}: the file has no chat template (tokenizer.chat_template); convert the checkpoint again, its tokenizer_config.json carries one`);
  }
  const embedded = metadataScalar(file, INSTRUCTION_GGUF_KEY);
  const instruction: UltraxInstruction | null =
    options.instruction !== undefined
      ? readInstructionFile(options.instruction)
      : typeof embedded === 'string'
        ? describeInstruction(embedded, `${modelPath} (${INSTRUCTION_GGUF_KEY})`)
        : modelsDir !== undefined
          ? instructionFromFetchedCheckpoints(modelsDir)
          : null;
  if (instruction === null) {
    throw new UltraxSetupError(
      `${modelPath}: UltraX's system instruction is not in this file, and Refinery does not ship it (UltraX's licence forbids redistributing its artifacts). ` +
        `Convert the model from its checkpoint, which carries it (\`refinery models add openbmb/UltraX-0.6B-Preview\`, or a local checkpoint folder with ${INFERENCE_SCRIPT_IN_MODEL_REPO}), ` +
        `or point to your copy of UltraX's ${INFERENCE_SCRIPT} (https://github.com/openbmb/UltraX, commit ${ULTRAX_CODE_COMMIT.slice(0, 7)}) with --ultrax-instruction <file>.`,
    );
  }
  const fidelity = options.fidelity ?? 'improved';
  const trained = Number(metadataScalar(file, 'qwen3.context_length') ?? 0);
  const wanted = options.contextSize ?? ULTRAX_CONTEXT[fidelity];
  return {
    chatTemplate,
    instruction,
    fidelity,
    maxChars: options.maxChars ?? DEFAULT_MAX_CHARS,
    overlapRatio: options.overlapRatio ?? DEFAULT_OVERLAP_RATIO,
    contextSize: trained > 0 ? Math.min(wanted, trained) : wanted,
    maxNewTokens: options.maxNewTokens ?? ULTRAX_MAX_NEW_TOKENS,
  };
}

/** A checkpoint `refinery models add` fetched into `<models>/checkpoints/<owner>__<repo>` keeps the model repository's inference script. */
function instructionFromFetchedCheckpoints(modelsDir: string): UltraxInstruction | null {
  const root = join(modelsDir, 'checkpoints');
  if (!existsSync(root)) return null;
  for (const folder of readdirSync(root).sort()) {
    const found = instructionInCheckpoint(join(root, folder));
    if (found) return found;
  }
  return null;
}
