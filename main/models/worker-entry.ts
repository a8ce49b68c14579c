/**
 * The model worker process: loads one GGUF model and writes programs for the documents the
 * app sends. llama.cpp can abort the process (bad file, driver fault, out of memory); running
 * it here means only this process dies, and the app restarts it (worker-host.ts).
 * Started by worker-host.ts with `node --import tsx`; talks over the fork IPC channel.
 */
import { loadRuntime } from '../../native/llama/runtime';
import { loadModel } from '../../native/llama/model';
import { chooseSequences, CONTEXT_SIZE } from './memory-plan';
import { proxTokenizer } from './tokenizer';
import { createStageRunner, type StageRunner } from './stage-runner';
import { createUltraxRunner } from './ultrax-runner';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol';

function send(message: FromWorker): void {
  process.send?.(message);
}

let runner: StageRunner | undefined;
const pending: Array<Extract<ToWorker, { type: 'write' }>> = [];

async function init(options: WorkerInit): Promise<void> {
  try {
    const runtime = await loadRuntime(options.gpu);
    const model = await loadModel(runtime, options.modelPath);
    const contextSize = options.ultrax?.contextSize ?? CONTEXT_SIZE;
    const sequences = await chooseSequences({
      runtime: runtime.info,
      requested: options.sequences,
      kvBytesPerToken: options.kvBytesPerToken,
      contextSize,
      stage: options.stage,
    });
    // A GPU digests long prompt batches well; on a CPU llama.cpp's 512 already saturates the cores.
    const batchSize = runtime.info.gpuAvailable ? Math.min(2048, contextSize * sequences) : 512;
    const engine = await model.createEngine({ sequences, contextSize, batchSize, threads: options.threads ?? undefined });
    runner =
      options.stage === 'ultrax'
        ? createUltraxRunner({ engine, tokenizer: model.tokenizer, ...ultraxSettings(options) })
        : createStageRunner({
            stage: options.stage,
            engine,
            tokenizer: proxTokenizer(model.tokenizer, options.modelPath),
            mode: options.mode,
            keepThreshold: options.keepThreshold,
            parseMode: options.parseMode,
            truncation: options.truncation,
            fidelity: options.fidelity,
          });
    send({ type: 'ready', ready: { runtime: runtime.info, model: model.info, engine: engine.info } });
    for (const request of pending.splice(0)) void write(request);
  } catch (err) {
    send({ type: 'init-error', message: err instanceof Error ? err.message : String(err) });
  }
}

function ultraxSettings(options: WorkerInit): NonNullable<WorkerInit['ultrax']> {
  if (!options.ultrax) throw new Error('the UltraX stage needs its prompt settings (internal error)');
  return options.ultrax;
}

async function write(request: Extract<ToWorker, { type: 'write' }>): Promise<void> {
  if (!runner) {
    pending.push(request);
    return;
  }
  const result = await runner.writeProgram(request.doc, (delta) => send({ type: 'tokens', ...delta }));
  send({ type: 'result', requestId: request.requestId, result });
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'init') void init(message.init);
  else if (message.type === 'write') void write(message);
  else if (message.type === 'shutdown') process.exit(0);
});
// Ctrl-C at a terminal reaches the whole process group: the parent decides (it rolls back the
// batch in flight and then shuts this process down), so the model must not die under it first.
process.on('SIGINT', () => undefined);
// The app went away: do not linger holding gigabytes of model.
process.on('disconnect', () => process.exit(0));
