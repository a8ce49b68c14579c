/** Messages between the app and the model worker process (worker-entry.ts). */
import type { ParseMode } from '../prox/program';
import type { DocumentInput, ProgramSlot, StageProgram } from '../prox/programmer';
import type { RuntimeInfo } from '../../native/llama/runtime';
import type { ModelLoadInfo } from '../../native/llama/model';
import type { EngineInfo } from '../../native/llama/engine';
import type { DocMode } from './stage-runner';
import type { PromptTruncation } from '../prox/prompts';
import type { UltraxFidelity } from './ultrax-runner';
import type { Fidelity } from '../../contract/api';

/** What an UltraX worker needs beyond the model: the prompt parts and the window settings. */
export interface UltraxWorkerSettings {
  readonly chatTemplate: string;
  readonly instruction: string;
  readonly maxChars: number;
  readonly overlapRatio: number;
  readonly fidelity: UltraxFidelity;
  /** Tokens each sequence holds (prompt + answer). */
  readonly contextSize: number;
  /** Longest answer per window (UltraX's `--max_new_tokens`, 4,096). */
  readonly maxNewTokens: number;
}

export interface WorkerInit {
  readonly stage: ProgramSlot;
  readonly modelPath: string;
  readonly mode: DocMode;
  readonly keepThreshold: number;
  /** Requested parallel sequences; null: chosen from free memory. */
  readonly sequences: number | null;
  readonly gpu: 'auto' | false;
  readonly parseMode: ParseMode;
  /** llama.cpp CPU threads; null: the runtime's default (native/llama/threads.ts). */
  readonly threads: number | null;
  readonly truncation: PromptTruncation;
  /** ProX stages: 'improved' or 'reference' (stage-runner.ts). */
  readonly fidelity: Fidelity;
  /** Bytes of tensor data, from the header check done before the load. */
  readonly weightBytes: number;
  /** KV-cache bytes one token of context costs (sizes the number of sequences). */
  readonly kvBytesPerToken: number;
  /** Set for the UltraX stage. */
  readonly ultrax?: UltraxWorkerSettings;
}

export interface WorkerReady {
  readonly runtime: RuntimeInfo;
  readonly model: ModelLoadInfo;
  readonly engine: EngineInfo;
}

export type ToWorker =
  | { readonly type: 'init'; readonly init: WorkerInit }
  | { readonly type: 'write'; readonly requestId: number; readonly doc: DocumentInput }
  | { readonly type: 'shutdown' };

export type FromWorker =
  | { readonly type: 'ready'; readonly ready: WorkerReady }
  | { readonly type: 'init-error'; readonly message: string }
  | { readonly type: 'result'; readonly requestId: number; readonly result: StageProgram }
  | { readonly type: 'tokens'; readonly promptTokens: number; readonly generatedTokens: number };
