/**
 * The one interface every programmer implements (model, rules, later a remote server).
 * The executor never knows which one wrote a program.
 */
import type { OperationNote, Stage } from './program';

/**
 * Where a document's program is stored and which programmer writes it: ProX's two stages, or
 * the whole-document program of the UltraX dialect (main/ultrax), which replaces both.
 */
export type ProgramSlot = Stage | 'ultrax';

export interface DocumentInput {
  /** Stable document id (workspace id, or the `id` field of an input line). */
  readonly id: string;
  readonly text: string;
}

/** What one programmer call produced for one document. */
export interface StageProgram {
  readonly id: string;
  readonly stage: ProgramSlot;
  /**
   * Program text, one call per line. For the chunk stage: the programs of all chunks of the
   * document joined with "\n", line numbers document-global (the reference `chunk_program`).
   * For UltraX: the windows' replies merged as UltraX stores them (its `model_output`).
   */
  readonly program: string;
  /** Per-chunk programs (chunk stage), or each window's raw reply (UltraX), in order. */
  readonly chunks?: readonly ChunkProgram[];
  readonly notes: readonly OperationNote[];
  /** Doc stage: probability that the document should be kept, where the programmer knows it. */
  readonly keepProbability?: number;
  /** Set when the programmer failed on this document; `program` is then empty. */
  readonly failure?: string;
  readonly promptTokens: number;
  readonly generatedTokens: number;
}

export interface ChunkProgram {
  /** 0-based document line range this chunk (or UltraX window) covers, inclusive. */
  readonly firstLine: number;
  readonly lastLine: number;
  readonly program: string;
  /** Why the chunk was not sent (e.g. an over-long line skipped by policy), or why its answer is not applied. */
  readonly skipped?: string;
  /** The model's answer as it came, where it is not `program` (an answer cut off at the token budget). */
  readonly output?: string;
}

/** What gets recorded with a run so a result can be explained and reproduced. */
export interface ProgrammerInfo {
  /** Stable cache key part: the same id + same document = same program. */
  readonly id: string;
  readonly kind: 'rules' | 'model' | 'remote';
  readonly label: string;
  /** sha256 of the model file, for model programmers. */
  readonly modelHash?: string;
  readonly promptVersion?: string;
  readonly grammarVersion?: string;
  readonly parameters: Readonly<Record<string, string | number | boolean>>;
}

export interface ProgrammerProgress {
  readonly promptTokens: number;
  readonly generatedTokens: number;
}

export interface ProgramRequestOptions {
  readonly signal?: AbortSignal;
  /** Called as tokens are processed, so a job can report tokens/s while a batch is in flight. */
  readonly onTokens?: (delta: ProgrammerProgress) => void;
}

export interface Programmer {
  readonly info: ProgrammerInfo;
  /** Which stages this programmer can write programs for. */
  readonly stages: readonly ProgramSlot[];
  /**
   * Write programs for a batch of documents. Results come back in input order. A failure on
   * one document is reported in its result (`failure`), never thrown for the whole batch.
   */
  writePrograms(stage: ProgramSlot, docs: readonly DocumentInput[], options?: ProgramRequestOptions): Promise<StageProgram[]>;
  dispose(): Promise<void>;
}
