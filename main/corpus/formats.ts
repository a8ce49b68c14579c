import type { SourceFormat } from './types';

/**
 * Longest suffix first, so 'a.jsonl.gz' is gzip-compressed JSONL and not plain '.gz'.
 * '.ndjson' is the other common name for JSON Lines.
 */
const SUFFIXES: ReadonlyArray<readonly [string, SourceFormat]> = [
  ['.jsonl.gz', 'jsonl.gz'],
  ['.ndjson.gz', 'jsonl.gz'],
  ['.jsonl.zst', 'jsonl.zst'],
  ['.jsonl.zstd', 'jsonl.zst'],
  ['.ndjson.zst', 'jsonl.zst'],
  ['.jsonl', 'jsonl'],
  ['.ndjson', 'jsonl'],
  ['.json', 'json'],
  ['.parquet', 'parquet'],
  ['.txt', 'txt'],
  ['.md', 'md'],
  ['.markdown', 'md'],
];

/** The format a file name implies, or null when Refinery does not read it. Case-insensitive. */
export function formatOf(fileName: string): SourceFormat | null {
  const lower = fileName.toLowerCase();
  for (const [suffix, format] of SUFFIXES) {
    if (lower.endsWith(suffix) && lower.length > suffix.length) return format;
  }
  return null;
}

/** The extension shown when a file is skipped: '.csv', '.tar.gz', or '(none)'. */
export function extensionOf(fileName: string): string {
  const dot = fileName.indexOf('.', 1);
  return dot === -1 ? '(none)' : fileName.slice(dot).toLowerCase();
}
