/**
 * Worker-thread entry that reads source files for the indexer (file-batches.ts) so parsing and
 * hashing run on the second core while the main thread writes to SQLite. It reads one file per
 * 'read' request and stops posting once MAX_UNACKED_BATCHES batches are not yet taken, which
 * bounds memory however large the file.
 */
import { parentPort } from 'node:worker_threads';
import type { SourceFile } from '../corpus/types';
import { BufferPool, readFileBatches, type FileBatchEvent } from './file-batches';

export interface ReadRequest {
  type: 'read';
  file: SourceFile;
  textField?: string;
  idField?: string;
}

/** ack: a batch was taken; recycle: its text buffer, written and free for reuse. */
export type ToReadWorker = ReadRequest | { type: 'ack' } | { type: 'recycle'; buffer: ArrayBuffer };
export type FromReadWorker = FileBatchEvent | { type: 'failed'; message: string; code?: string };

/**
 * Batches posted but not yet taken by the indexer: 16 x ~4 MB of text at most, enough to keep
 * parsing through one whole transaction (32 MB) of the main thread plus jitter.
 */
export const MAX_UNACKED_BATCHES = 16;

const port = parentPort;
if (port) {
  let unacked = 0;
  const pool = new BufferPool();
  let wake: (() => void) | null = null;
  // A batch's text buffer is moved to the main thread, not copied.
  const post = (message: FromReadWorker) => port.postMessage(message, message.type === 'batch' ? [message.batch.text.buffer as ArrayBuffer] : []);

  const read = async (request: ReadRequest): Promise<void> => {
    try {
      for await (const event of readFileBatches(request.file, { textField: request.textField, idField: request.idField, pool })) {
        post(event);
        if (event.type !== 'batch') continue;
        unacked += 1;
        while (unacked >= MAX_UNACKED_BATCHES) await new Promise<void>((resolve) => (wake = resolve));
      }
    } catch (error) {
      // describeFsError reads the code of a file-system error; a message alone keeps only its words.
      post({ type: 'failed', message: error instanceof Error ? error.message : String(error), ...(typeof (error as { code?: unknown }).code === 'string' ? { code: (error as { code: string }).code } : {}) });
    }
  };

  port.on('message', (message: ToReadWorker) => {
    if (message.type === 'recycle') {
      pool.give(message.buffer);
    } else if (message.type === 'ack') {
      unacked -= 1;
      const resume = wake;
      wake = null;
      resume?.();
    } else {
      void read(message);
    }
  });
}
