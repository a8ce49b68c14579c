/**
 * The model programmer: a GGUF refining model, run by llama.cpp in a worker process, writes
 * the ProX program of each document (doc stage) or of each chunk of it (chunk stage).
 *
 * The model file is checked before llama.cpp sees it. If the worker dies (llama.cpp aborts
 * the process on some faults), it is restarted; the documents that were in flight are retried
 * one at a time, and the one that kills it again gets the crash recorded as its failure,
 * while the batch goes on.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { ParseMode } from '../prox/program';
import type { DocumentInput, Programmer, ProgrammerInfo, ProgramRequestOptions, ProgramSlot, StageProgram } from '../prox/programmer';
import { GRAMMAR_VERSION, PROMPT_VERSION } from '../prox/versions';
import { ULTRAX_GRAMMAR_VERSION } from '../ultrax';
import type { PromptTruncation } from '../prox/prompts';
import { checkModelFile } from './gguf-check';
import { sha256File } from './file-hash';
import { assertWeightsFit, kvBytesPerToken } from './memory-plan';
import { failedProgram, type DocMode } from './stage-runner';
import { ModelWorker, WorkerCrashError, WorkerInitError } from './worker-host';
import type { UltraxWorkerSettings, WorkerInit, WorkerReady } from './worker-protocol';
import { ULTRAX_PROMPT_VERSION } from './ultrax-runner';
import type { UltraxInstruction } from '../convert/ultrax-instruction';
import type { Fidelity } from '../../contract/api';

/** The UltraX stage's prompt and window settings, resolved from the model file and the user's options (ultrax-model.ts). */
export interface UltraxProgrammerSettings extends Omit<UltraxWorkerSettings, 'instruction'> {
  readonly instruction: UltraxInstruction;
}

export interface ModelProgrammerOptions {
  stage: ProgramSlot;
  /** Required for the UltraX stage. */
  ultrax?: UltraxProgrammerSettings;
  modelPath: string;
  /**
   * 'on-first-use': the worker (and the model) starts on the first writePrograms, so a job can
   * hold both stages' programmers while only the running stage's model is loaded. Default 'now'.
   */
  start?: 'now' | 'on-first-use';
  /** Awaited once before the worker first starts (e.g. to free the other stage's model). */
  beforeStart?: () => Promise<void>;
  /** Doc stage: 'generate' (greedy, default) or 'probability' (one forward pass, P(keep)). */
  mode?: DocMode;
  /** Probability mode: keep when P(keep) >= keepThreshold (default 0.5). */
  keepThreshold?: number;
  /** Parallel sequences; default: chosen per stage and capped by free memory (memory-plan.ts DEFAULT_SEQUENCES). */
  sequences?: number;
  gpu?: 'auto' | false;
  parseMode?: ParseMode;
  /** CPU threads for llama.cpp; default: REFINERY_LLAMA_THREADS, else one per core less one (native/llama/threads.ts). */
  threads?: number;
  /**
   * Doc prompts longer than the context: 'keep-inst' (default) shortens the document so
   * ` [/INST]` stays; 'reference' cuts the token sequence at 2,000 like GAIR-NLP/ProX.
   */
  truncation?: PromptTruncation;
  /**
   * ProX stages: 'improved' (default) or 'reference', GAIR-NLP/ProX's pipeline: its prompts
   * (truncation 'reference'), free greedy generation, its parser (parseMode 'reference').
   * Reference refuses a probability mode, 'keep-inst' truncation or strict parsing.
   */
  fidelity?: Fidelity;
}

export interface WorkerCrash {
  readonly docId: string;
  readonly stage: ProgramSlot;
  readonly exit: string;
  readonly at: string;
}

export interface ModelProgrammer extends Programmer {
  /** Backend, device, layers offloaded, context and sequences of the running worker. */
  readonly runtime: () => WorkerReady;
  /** Documents that killed the worker process, in order. */
  readonly crashes: readonly WorkerCrash[];
}

/** Restarts allowed per writePrograms call before the remaining documents are failed. */
const MAX_RESTARTS_PER_BATCH = 16;

export async function createModelProgrammer(options: ModelProgrammerOptions): Promise<ModelProgrammer> {
  if (options.stage === 'ultrax' && !options.ultrax) throw new Error(`${options.modelPath}: the UltraX stage needs its prompt settings`);
  const summary = await checkModelFile(options.modelPath);
  assertWeightsFit(options.modelPath, summary.weightBytes, null);
  const sha256 = await sha256File(options.modelPath);
  const mode: DocMode = options.stage === 'doc' ? (options.mode ?? 'generate') : 'generate';
  const keepThreshold = options.keepThreshold ?? 0.5;
  if (!(keepThreshold >= 0 && keepThreshold <= 1)) throw new RangeError(`keepThreshold must be between 0 and 1, got ${keepThreshold}`);
  const fidelity: Fidelity = options.stage === 'ultrax' ? 'improved' : (options.fidelity ?? 'improved');
  const reference = fidelity === 'reference';
  if (reference && mode === 'probability') throw new Error(`${options.modelPath}: reference fidelity generates the doc-stage answer as GAIR-NLP/ProX does; the probability mode needs fidelity improved`);
  if (reference && options.truncation === 'keep-inst') throw new Error(`${options.modelPath}: reference fidelity cuts prompts as GAIR-NLP/ProX does (truncation reference), not keep-inst`);
  if (reference && options.parseMode === 'strict') throw new Error(`${options.modelPath}: reference fidelity reads programs with the reference parser, not strict`);
  const init: WorkerInit = {
    stage: options.stage,
    modelPath: options.modelPath,
    mode,
    keepThreshold,
    sequences: options.sequences ?? null,
    gpu: options.gpu ?? 'auto',
    parseMode: options.parseMode ?? (reference ? 'reference' : 'strict'),
    threads: options.threads ?? threadsFromEnvironment(),
    truncation: options.truncation ?? (reference ? 'reference' : 'keep-inst'),
    fidelity,
    weightBytes: summary.weightBytes,
    kvBytesPerToken: kvBytesPerToken(summary.shape),
    ...(options.ultrax ? { ultrax: { ...options.ultrax, instruction: options.ultrax.instruction.text } } : {}),
  };

  let beforeStart = options.beforeStart;
  const startWorker = async (): Promise<ModelWorker> => {
    const hook = beforeStart;
    beforeStart = undefined;
    await hook?.();
    return ModelWorker.start(init);
  };
  let worker: ModelWorker | null = options.start === 'on-first-use' ? null : await startWorker();
  let starting: Promise<ModelWorker> | null = null;
  const crashes: WorkerCrash[] = [];
  let disposed = false;

  /** The live worker, restarted once however many lanes notice the crash. */
  const liveWorker = (): Promise<ModelWorker> => {
    if (worker?.alive) return Promise.resolve(worker);
    starting ??= startWorker().then(
      (fresh) => {
        worker = fresh;
        starting = null;
        return fresh;
      },
      (err: unknown) => {
        starting = null;
        throw err;
      },
    );
    return starting;
  };

  const info = options.ultrax ? ultraxInfo(options.modelPath, sha256, options.ultrax) : proxInfo(options.modelPath, sha256, options.stage, mode, keepThreshold, init.truncation, fidelity);

  const writePrograms = async (stage: ProgramSlot, docs: readonly DocumentInput[], request: ProgramRequestOptions = {}): Promise<StageProgram[]> => {
    if (disposed) throw new Error('this model programmer was disposed');
    if (stage !== options.stage) throw new Error(`${info.label} writes ${options.stage}-stage programs, not ${stage}-stage ones`);
    const results: Array<StageProgram | undefined> = new Array(docs.length);
    const suspects: number[] = [];
    let restarts = 0;
    let unavailable: string | null = null;

    const attempt = async (index: number): Promise<'done' | WorkerCrashError> => {
      const doc = docs[index]!;
      if (unavailable) {
        results[index] = failedProgram(doc.id, stage, unavailable);
        return 'done';
      }
      let live: ModelWorker;
      try {
        live = await liveWorker();
        live.onTokens = request.onTokens ?? null;
      } catch (err) {
        unavailable = `the model could not be (re)started: ${err instanceof Error ? err.message : String(err)}`;
        results[index] = failedProgram(doc.id, stage, unavailable);
        return 'done';
      }
      try {
        results[index] = await live.write(doc);
        return 'done';
      } catch (err) {
        if (!(err instanceof WorkerCrashError)) throw err;
        if (++restarts > MAX_RESTARTS_PER_BATCH) unavailable = `the model process kept crashing (${restarts} times in this batch); last: ${err.exit}`;
        return err;
      }
    };

    // Pipelined: enough documents in flight to keep every sequence busy.
    const window = Math.max(1, (await liveWorker()).ready.engine.sequences * 2);
    let cursor = 0;
    const lane = async (): Promise<void> => {
      while (cursor < docs.length && !request.signal?.aborted) {
        const index = cursor++;
        if ((await attempt(index)) !== 'done') suspects.push(index);
      }
    };
    await Promise.all(Array.from({ length: Math.min(window, docs.length) }, lane));

    // Isolation: one suspect at a time, so a second crash names its document for sure.
    suspects.sort((a, b) => a - b);
    for (const index of suspects) {
      if (request.signal?.aborted) break;
      const outcome = await attempt(index);
      if (outcome !== 'done') {
        const exit = outcome.exit;
        const doc = docs[index]!;
        crashes.push({ docId: doc.id, stage, exit, at: new Date().toISOString() });
        results[index] = failedProgram(doc.id, stage, `the model process crashed while writing this document's program (${exit}); it was restarted and the batch went on`);
      }
    }
    if (request.signal?.aborted) throw request.signal.reason instanceof Error ? request.signal.reason : new Error('aborted');
    return results.map((result, i) => result ?? failedProgram(docs[i]!.id, stage, 'no result (internal error)'));
  };

  return {
    info,
    stages: [options.stage],
    runtime: () => {
      if (!worker) throw new Error(`${info.label}: the model is not loaded yet (it loads on the first request)`);
      return worker.ready;
    },
    crashes,
    writePrograms,
    async dispose() {
      disposed = true;
      await starting?.catch(() => undefined);
      await worker?.stop();
    },
  };
}

export { WorkerInitError };

/**
 * Everything that can change what the model writes is in the id, so programs stored under one
 * fidelity are never reused for the other: reference runs have no grammar ('none') and say so.
 */
export function proxInfo(modelPath: string, sha256: string, stage: ProgramSlot, mode: DocMode, keepThreshold: number, truncation: PromptTruncation, fidelity: Fidelity = 'improved'): ProgrammerInfo {
  const reference = fidelity === 'reference';
  const grammarVersion = reference ? 'none' : GRAMMAR_VERSION;
  const parameters: Record<string, string | number | boolean> = { stage, mode, model: basename(modelPath) };
  if (mode === 'probability') parameters.keepThreshold = keepThreshold;
  parameters.truncation = truncation;
  parameters.fidelity = fidelity;
  return {
    // The improved id keeps its old form, so programs stored before fidelity existed stay valid.
    id: ['model', sha256, stage, mode === 'probability' ? `probability@${keepThreshold}` : 'greedy', truncation, ...(reference ? ['reference'] : []), PROMPT_VERSION, grammarVersion].join(':'),
    kind: 'model',
    label: `${basename(modelPath)} (${stage} stage${mode === 'probability' ? `, keep if P(keep) >= ${keepThreshold}` : ''}${reference ? ', reference fidelity' : ''})`,
    modelHash: sha256,
    promptVersion: PROMPT_VERSION,
    grammarVersion,
    parameters,
  };
}

/** Everything that can change what the model writes is in the id: the instruction and template too. */
function ultraxInfo(modelPath: string, sha256: string, settings: UltraxProgrammerSettings): ProgrammerInfo {
  const grammarVersion = settings.fidelity === 'reference' ? 'none' : ULTRAX_GRAMMAR_VERSION;
  const instruction = settings.instruction.sha256.slice(0, 16);
  const template = createHash('sha256').update(settings.chatTemplate).digest('hex').slice(0, 16);
  return {
    id: ['model', sha256, 'ultrax', settings.fidelity, `chars:${settings.maxChars}`, `overlap:${settings.overlapRatio}`, `context:${settings.contextSize}`, `answer:${settings.maxNewTokens}`, `instruction:${instruction}`, `template:${template}`, ULTRAX_PROMPT_VERSION, grammarVersion].join(':'),
    kind: 'model',
    label: `${basename(modelPath)} (UltraX${settings.fidelity === 'reference' ? ', reference fidelity' : ''}${settings.instruction.released ? '' : ', custom instruction'})`,
    modelHash: sha256,
    promptVersion: ULTRAX_PROMPT_VERSION,
    grammarVersion,
    parameters: {
      stage: 'ultrax',
      model: basename(modelPath),
      fidelity: settings.fidelity,
      maxChars: settings.maxChars,
      overlapRatio: settings.overlapRatio,
      contextSize: settings.contextSize,
      maxNewTokens: settings.maxNewTokens,
      instructionSha256: settings.instruction.sha256,
      instructionReleased: settings.instruction.released,
    },
  };
}

function threadsFromEnvironment(): number | null {
  const value = Number(process.env.REFINERY_LLAMA_THREADS);
  return Number.isInteger(value) && value > 0 ? value : null;
}
