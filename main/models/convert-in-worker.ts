/**
 * Runs convertCheckpoint in the `convert-worker` thread: the same result and messages, progress
 * passed on, and an AbortSignal that stops the conversion at once (the thread is terminated and
 * the `<out>.partial` file it was writing is deleted).
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawnWorker } from '../workers/spawn-worker';
import type { ConvertProgress, ConvertResult } from '../convert/convert-checkpoint';
import type { ConvertJob, ConvertWorkerMessage } from '../convert/convert-worker';
import type { OutputType } from '../convert/llama-gguf';

export interface ConvertInWorkerOptions {
  readonly outType: OutputType;
  readonly overwrite?: boolean;
  readonly onProgress?: (p: ConvertProgress) => void;
  readonly signal?: AbortSignal;
}

export class ConversionCancelledError extends Error {
  constructor(out: string) {
    super(`the conversion to ${out} was cancelled`);
    this.name = 'ConversionCancelledError';
  }
}

export async function convertInWorker(folder: string, outPath: string, options: ConvertInWorkerOptions): Promise<ConvertResult> {
  const out = resolve(outPath);
  if (options.signal?.aborted) throw new ConversionCancelledError(out);
  const job: ConvertJob = { folder, out, outType: options.outType, overwrite: options.overwrite === true };
  const worker = await spawnWorker('convert-worker', { workerData: job });
  return new Promise<ConvertResult>((ok, fail) => {
    let settled = false;
    const finish = (action: () => void): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      action();
    };
    const onAbort = (): void => {
      finish(() => {
        void worker.terminate().then(() => {
          rmSync(`${out}.partial`, { force: true });
          fail(new ConversionCancelledError(out));
        });
      });
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: ConvertWorkerMessage) => {
      if (message.type === 'progress') options.onProgress?.(message.progress);
      else if (message.type === 'done') finish(() => ok(message.result));
      else finish(() => fail(new Error(message.message)));
    });
    worker.once('error', (err) => finish(() => fail(err)));
    worker.once('exit', (code) => finish(() => fail(new Error(`the conversion worker stopped (exit code ${code}) before converting ${folder}`))));
  });
}
