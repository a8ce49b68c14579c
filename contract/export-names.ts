/**
 * What an export's file name says about its compression, defined once for the CLI, the
 * service and the Export screen: `.gz` is gzip, `.zst`/`.zstd` is zstd, anything else plain.
 */
export type NamedCompression = 'none' | 'gzip' | 'zstd';

export function compressionFor(filePath: string): NamedCompression {
  const lower = filePath.toLowerCase();
  if (lower.endsWith('.gz')) return 'gzip';
  if (lower.endsWith('.zst') || lower.endsWith('.zstd')) return 'zstd';
  return 'none';
}

/** The usual extension of an export compressed that way. */
export const EXPORT_EXTENSION: Record<NamedCompression, string> = { none: '.jsonl', gzip: '.jsonl.gz', zstd: '.jsonl.zst' };

/** `name` with its export extension replaced by the one for `compression` (`clean.jsonl` -> `clean.jsonl.gz`). */
export function withCompression(name: string, compression: NamedCompression): string {
  return name.replace(/(\.(jsonl|ndjson|json))?(\.(gz|zst|zstd))?$/i, '') + EXPORT_EXTENSION[compression];
}
