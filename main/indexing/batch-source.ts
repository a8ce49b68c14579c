/**
 * Where the indexer's batches come from: a read worker thread (read-worker.ts) for large scans,
 * so parsing overlaps the SQLite writes, or the calling thread for small ones, where starting
 * a worker would cost more than it saves. Both yield the same events in the same order.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SourceFile } from '../corpus/types';
import { BufferPool, readFileBatches, type DocBatch, type FileBatchEvent } from './file-batches';
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
    read: (file) => readFileBatches(file, { ...options, pool }),
    recycle: (batch) => pool.give(batch.text.buffer),
    hasQueued: () => true,
    close: async () => {},
  };
}

/**
 * Under tsx (development, tests, the CLI) the worker must run TypeScript. Registering tsx in a
 * worker costs ~0.8 s of CPU before the first line is read, so the worker's modules are bundled
 * into one script with esbuild (tsx's own compiler, always installed with it), which starts in
 * about half that; the tsx bootstrap remains the fallback. A built app needs read-worker.js
 * beside this module; without it, null (the caller reads in-thread).
 */
async function spawnReadWorker(): Promise<Worker | null> {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const bundled = await bundledWorkerSource();
    if (bundled !== null) return new Worker(bundled, { eval: true });
    const entry = new URL('./read-worker.ts', here).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
    return new Worker(bootstrap, { eval: true });
  }
  const built = new URL('./read-worker.js', here);
  return existsSync(fileURLToPath(built)) ? new Worker(built) : null;
}

let bundle: Promise<string | null> | undefined;

/**
 * The bundle is built once per process, in esbuild's own process and without blocking this
 * thread (development only).
 */
function bundledWorkerSource(): Promise<string | null> {
  bundle ??= (async () => {
    try {
      const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
      const entry = fileURLToPath(new URL('./read-worker.ts', import.meta.url));
      const out = await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, logLevel: 'silent' });
      return out.outputFiles[0]?.text ?? null;
    } catch {
      return null;
    }
  })();
  return bundle;
}

/**
 * Starts building the development bundle of the read worker (under tsx only), so it is ready by
 * the time the scan that asked has listed its folder. Called when a scan starts, not on module
 * load: most processes that load the workspace (CLI stats/export, the server) never index.
 */
export function prepareReadWorker(): void {
  if (import.meta.url.endsWith('.ts')) void bundledWorkerSource();
}

/** A reader backed by a worker thread, or null where no worker can be started. */
export async function workerReader(options: BatchReaderOptions): Promise<BatchReader | null> {
  const worker = await spawnReadWorker();
  if (!worker) return null;
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
      if (message.type === 'failed') throw new Error(`reading ${file.relPath} failed: ${message.message}`);
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
