/**
 * What an export may replace. An export renames its temp file over the target, so a mistyped
 * `out` (the corpus itself, a notes file, a database) would be lost without a word: a file
 * that is already there is replaced only when it is a previous export (its first line is a
 * JSON object with an `id` and a `text` or `lines`, as exports and their audit files write),
 * is empty, or the caller asked to overwrite.
 */
import { statSync } from 'node:fs';
import type { Compression } from '../../contract/api';
import { fileChunks, gunzipChunks, unzstdChunks, type ByteCounter } from '../corpus/sources';
import { ExportError } from '../export/writer';

/** Bytes of decompressed text looked at for the first line. */
const FIRST_LINE_LIMIT = 1 << 20;

export type TargetKind = 'absent' | 'empty' | 'export' | 'other';

/** Reads at most the first line of `path` (decompressed as `compression` says) to tell what it is. */
export async function exportTargetKind(path: string, compression: Compression): Promise<TargetKind> {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return 'other';
    size = stat.size;
  } catch {
    return 'absent';
  }
  if (size === 0) return 'empty';
  const counter: ByteCounter = { bytes: 0 };
  const chunks = compression === 'gzip' ? gunzipChunks(path, counter) : compression === 'zstd' ? unzstdChunks(path, counter) : fileChunks(path, counter);
  const parts: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of chunks) {
      const newline = chunk.indexOf(0x0a);
      parts.push(newline === -1 ? chunk : chunk.subarray(0, newline));
      length += chunk.length;
      if (newline !== -1 || length >= FIRST_LINE_LIMIT) break;
    }
  } catch {
    return 'other'; // not the compression its name says, or damaged: not something we wrote
  }
  const first = Buffer.concat(parts).toString('utf8');
  if (first.trim() === '') return length === 0 ? 'empty' : 'other';
  try {
    const record = JSON.parse(first) as unknown;
    if (typeof record === 'object' && record !== null && !Array.isArray(record)) {
      const r = record as Record<string, unknown>;
      if (typeof r.id === 'string' && (typeof r.text === 'string' || Array.isArray(r.lines))) return 'export';
    }
  } catch {
    // not JSON
  }
  return 'other';
}

/** Throws ExportError when `path` exists and is not a previous export, unless `overwrite`. */
export async function checkExportTarget(path: string, compression: Compression, overwrite: boolean): Promise<void> {
  if (overwrite) return;
  const kind = await exportTargetKind(path, compression);
  if (kind === 'other') {
    throw new ExportError(
      `${path} exists and is not a Refinery export (its first line is not a JSON object with "id" and "text"), so it is left as it is. ` +
        'Choose another file name, or replace it on purpose (refinery export --overwrite; in the app, "Replace it").',
    );
  }
}
