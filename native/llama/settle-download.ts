/**
 * ipull (node-llama-cpp's downloader) keeps its resume record as JSON appended after the file's
 * bytes and truncates it away when the download finishes. The save of that record is not
 * awaited before the truncation (ipull 3.9.5, download-engine-file.ts `_saveProgress`), so on a
 * busy machine the record can land after the truncation and stay at the end of the finished
 * file: a checkpoint's tokenizer.model then fails to parse, a GGUF gets trailing garbage.
 * This puts the file back to the size the server announced and refuses a short one.
 */
import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long the file must keep its size before it counts as settled. */
const QUIET_MS = 25;
const MAX_CHECKS = 40;

export class IncompleteDownloadError extends Error {
  constructor(readonly path: string, readonly bytes: number, readonly expected: number) {
    super(`${path}: the download stopped at ${bytes} of ${expected} bytes; run the command again to resume it`);
    this.name = 'IncompleteDownloadError';
  }
}

/**
 * Waits until `path` stops changing, removes a resume record ipull left after `expected` bytes,
 * and throws IncompleteDownloadError when fewer than `expected` bytes arrived. An unknown size
 * (`expected` <= 0: no Content-Length) is left as it is. Returns the bytes removed.
 */
export async function settleDownloadedFile(path: string, expected: number): Promise<number> {
  if (!(expected > 0)) return 0;
  let removed = 0;
  let quietChecks = 0;
  for (let check = 0; check < MAX_CHECKS && quietChecks < 2; check++) {
    const size = (await stat(path)).size;
    if (size < expected) throw new IncompleteDownloadError(path, size, expected);
    if (size > expected) {
      await removeResumeRecord(path, expected, size);
      removed += size - expected;
      quietChecks = 0;
    } else {
      quietChecks++;
    }
    await sleep(QUIET_MS);
  }
  return removed;
}

async function removeResumeRecord(path: string, expected: number, size: number): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const tail = Buffer.alloc(Math.min(size - expected, 64));
    await file.read(tail, 0, tail.length, expected);
    // Only ipull's JSON record is ever written past the announced size; anything else means the
    // server sent more than it said, which is not ours to cut.
    if (tail[0] !== 0x7b /* { */) throw new Error(`${path}: ${size} bytes arrived where the server announced ${expected}; delete the file and download it again`);
    await file.truncate(expected);
  } finally {
    await file.close();
  }
}
