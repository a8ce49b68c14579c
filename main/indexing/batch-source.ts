/**
 * Where the indexer's batches come from: a read worker thread (read-worker.ts) for large scans,
 * so parsing overlaps the SQLite writes, or the calling thread for small ones, where starting
 * a worker would cost more than it saves. Both yield the same events in the same order.
 */
import type { Worker } from 'node:worker_threads';
import type { SourceFile } from '../corpus/types';
import { spawnWorker, WorkerMissingError } from '../workers/spawn-worker';
import { BufferPool, readFileBatches, unreadableFileEvents, type DocBatch, type FileBatchEvent } from './file-batches';
import type { FromReadWorker, ToReadWorker } from './read-worker';

export interface BatchReaderOptions {
  readonly textField?: string;
  readonly idField?: string;
  readonly signal?: AbortSignal;
}

export interface BatchReader {
  /** Batches of one file, then its hash. Read one file at a time. */
  read(file: SourceFile): AsyncIterable<FileBatchEvent>;
  /** A batch is written and its text buffer may be reused. */
  recycle(batch: DocBatch): void;
  /**
   * Whether the next event is already waiting. False means the reader is behind: the writer
   * had better write what it holds now than sit idle (always true in-thread, where nothing
   * runs in parallel).
   */
  hasQueued(): boolean;
  close(): Promise<void>;
}

export function inThreadReader(options: BatchReaderOptions): BatchReader {
  const pool = new BufferPool();
  return {
    read: (file) => guardedRead(file, readFileBatches(file, { ...options, pool }), options.signal),
    recycle: (batch) => pool.give(batch.text.buffer),
    hasQueued: () => true,
    close: async () => {},
  };
}

/** One file's events; an unexpected failure (not an abort) becomes an issue of that file, and the scan goes on. */
async function* guardedRead(file: SourceFile, events: AsyncGenerator<FileBatchEvent>, signal: AbortSignal | undefined): AsyncGenerator<FileBatchEvent> {
  try {
    yield* events;
  } catch (error) {
    signal?.throwIfAborted();
    yield* unreadableFileEvents(file, error);
  }
}

/** A reader backed by a worker thread, or null where the build has no read worker (the caller reads in-thread). */
export async function workerReader(options: BatchReaderOptions): Promise<BatchReader | null> {
  let worker: Worker;
  try {
    worker = await spawnWorker('read-worker');
  } catch (err) {
    if (err instanceof WorkerMissingError) return null;
    throw err;
  }
  const queue: FromReadWorker[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  worker.on('message', (message: FromReadWorker) => {
    queue.push(message);
    notify();
  });
  worker.on('error', (error) => {
    failure = error;
    notify();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`the read worker stopped unexpectedly (exit code ${code})`);
    notify();
  });
  const onAbort = () => notify();
  options.signal?.addEventListener('abort', onAbort);
  const send = (message: ToReadWorker) => worker.postMessage(message);
  let closed = false;

  async function* read(file: SourceFile): AsyncGenerator<FileBatchEvent> {
    send({ type: 'read', file, textField: options.textField, idField: options.idField });
    for (;;) {
      options.signal?.throwIfAborted();
      const message = queue.shift();
      if (message === undefined) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (message.type === 'failed') {
        // The worker caught it and is ready for the next file: this file alone is unreadable.
        yield* unreadableFileEvents(file, Object.assign(new Error(message.message), message.code ? { code: message.code } : {}));
        return;
      }
      if (message.type === 'batch') send({ type: 'ack' });
      yield message;
      if (message.type === 'end') return;
    }
  }

  return {
    read,
    hasQueued: () => queue.length > 0,
    recycle: (batch) => {
      const { buffer } = batch.text;
      if (!closed && buffer instanceof ArrayBuffer && buffer.byteLength > 0) worker.postMessage({ type: 'recycle', buffer } satisfies ToReadWorker, [buffer]);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      options.signal?.removeEventListener('abort', onAbort);
      failure ??= new Error('the read worker was closed');
      await worker.terminate();
    },
  };
}
