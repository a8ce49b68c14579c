/**
 * Worker-thread entry of a refine job: its own database connection, the job loop, and a
 * tiny message protocol (pause / resume / cancel in, status out) with job-controller.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store';
import { runRefineJob, type JobStatus, type RefineRequest } from './refine-job';

export interface WorkerInput {
  readonly dbPath: string;
  readonly request: RefineRequest;
}
export type ToWorker = { type: 'pause' } | { type: 'resume' } | { type: 'cancel' };
export type FromWorker = { type: 'status'; status: JobStatus } | { type: 'exit'; status: JobStatus };

async function main(port: NonNullable<typeof parentPort>, input: WorkerInput): Promise<void> {
  const store = openStore(input.dbPath);
  const abort = new AbortController();
  let paused = false;
  let wake: (() => void) | null = null;
  let last: JobStatus | null = null;
  const post = (message: FromWorker) => port.postMessage(message);
  const publish = () => last && post({ type: 'status', status: paused && last.state === 'running' ? { ...last, state: 'paused' } : last });
  port.on('message', (message: ToWorker) => {
    if (message.type === 'pause') paused = true;
    if (message.type === 'resume') paused = false;
    if (message.type === 'cancel') abort.abort(new Error('cancelled'));
    if (message.type !== 'pause') {
      wake?.();
      wake = null;
    }
    publish();
  });
  const gate = async () => {
    while (paused && !abort.signal.aborted) await new Promise<void>((resolve) => (wake = resolve));
  };
  try {
    const final = await runRefineJob(store, input.request, {
      signal: abort.signal,
      gate,
      onStatus: (status) => {
        last = status;
        publish();
      },
    });
    post({ type: 'exit', status: final });
  } finally {
    store.db.close();
    port.close();
  }
}

if (parentPort && workerData && typeof workerData === 'object' && 'request' in workerData) {
  void main(parentPort, workerData as WorkerInput);
}
