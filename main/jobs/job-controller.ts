/**
 * Runs refine jobs off the main thread: one worker thread per job, with its own database
 * connection (WAL lets the UI read and toggle meanwhile). Pause, resume and cancel are
 * messages; progress comes back as JobStatus events.
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers/spawn-worker';
import { idleStatus, storedJobStatus, type JobStatus, type RefineRequest } from './refine-job';
import type { FromWorker, ToWorker, WorkerInput } from './refine-worker';
import type { Store } from '../store';

/** A job is already running; the message says which. */
export class JobBusyError extends Error {
  constructor(status: JobStatus) {
    super(`a refine job is already ${status.state} (${status.programmer ?? 'unknown programmer'}); pause, cancel or wait for it first`);
    this.name = 'JobBusyError';
  }
}

export class RefineJobController {
  private worker: Worker | null = null;
  /** Set from the start of a start() until its worker is known, so two starts cannot both begin. */
  private starting = false;
  private status: JobStatus;
  private exited: Promise<JobStatus> = Promise.resolve(idleStatus());

  constructor(
    private readonly dbPath: string,
    store: Store,
    private readonly onStatus: (status: JobStatus) => void,
  ) {
    this.status = storedJobStatus(store);
  }

  current(): JobStatus {
    return this.status;
  }

  get running(): boolean {
    return this.worker !== null || this.starting;
  }

  async start(request: RefineRequest): Promise<JobStatus> {
    // A job that has reported its end may still be closing its worker: wait for that.
    if (this.worker && ['done', 'failed', 'cancelled'].includes(this.status.state)) await this.exited;
    if (this.worker || this.starting) throw new JobBusyError(this.status);
    this.starting = true;
    let worker: Worker;
    try {
      worker = await spawnWorker('refine-worker', { workerData: { dbPath: this.dbPath, request } satisfies WorkerInput });
    } finally {
      this.starting = false;
    }
    this.worker = worker;
    this.update({ ...idleStatus(), state: 'running', message: 'starting' });
    this.exited = new Promise<JobStatus>((resolve) => {
      let final: JobStatus | null = null;
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'exit') final = message.status;
        this.update(message.status);
      });
      worker.on('error', (err) => {
        final = { ...this.status, state: 'failed', message: `refine worker failed: ${err.message}` };
        this.update(final);
      });
      worker.on('exit', (code) => {
        this.worker = null;
        if (!final) {
          final = { ...this.status, state: 'failed', message: `refine worker stopped unexpectedly (exit code ${code}); start the refine again to continue` };
          this.update(final);
        }
        resolve(final);
      });
    });
    return this.status;
  }

  pause(): JobStatus {
    this.send({ type: 'pause' });
    if (this.worker) this.update({ ...this.status, state: 'paused' });
    return this.status;
  }

  resume(): JobStatus {
    this.send({ type: 'resume' });
    if (this.worker) this.update({ ...this.status, state: 'running' });
    return this.status;
  }

  cancel(): JobStatus {
    this.send({ type: 'cancel' });
    return this.status;
  }

  /** Resolves with the final status when the current job's worker has exited. */
  finished(): Promise<JobStatus> {
    return this.exited;
  }

  async dispose(): Promise<void> {
    if (!this.worker) return;
    this.send({ type: 'cancel' });
    const timer = setTimeout(() => void this.worker?.terminate(), 5_000);
    await this.exited;
    clearTimeout(timer);
  }

  private send(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  private update(status: JobStatus): void {
    this.status = status;
    this.onStatus(status);
  }
}
