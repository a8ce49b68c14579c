/**
 * A checkpoint conversion in a worker thread (`convert-worker`, main/workers/entries.ts), so a
 * conversion of hundreds of megabytes leaves the app's event loop free: progress reaches the
 * UI while it runs, and Cancel can stop it (the host terminates the thread and deletes the
 * partial file). The conversion is convert-checkpoint.ts's, unchanged.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { convertCheckpoint, type ConvertProgress, type ConvertResult } from './convert-checkpoint';
import type { OutputType } from './llama-gguf';

export interface ConvertJob {
  readonly folder: string;
  readonly out: string;
  readonly outType: OutputType;
  readonly overwrite: boolean;
}

export type ConvertWorkerMessage =
  | { readonly type: 'progress'; readonly progress: ConvertProgress }
  | { readonly type: 'done'; readonly result: ConvertResult }
  | { readonly type: 'error'; readonly message: string };

function run(port: NonNullable<typeof parentPort>, job: ConvertJob): void {
  const post = (message: ConvertWorkerMessage): void => port.postMessage(message);
  let last = 0;
  try {
    const result = convertCheckpoint(job.folder, job.out, {
      outType: job.outType,
      overwrite: job.overwrite,
      onProgress: (progress) => {
        const now = performance.now();
        // Every 100 ms and the last one: enough for a progress bar, not a flood of messages.
        if (progress.tensorsDone < progress.tensorsTotal && now - last < 100) return;
        last = now;
        post({ type: 'progress', progress });
      },
    });
    post({ type: 'done', result });
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}

if (parentPort && workerData && typeof workerData === 'object' && 'folder' in workerData) run(parentPort, workerData as ConvertJob);
