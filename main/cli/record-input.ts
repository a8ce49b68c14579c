/**
 * Input records for the commands that take documents with extra fields (`execute --dialect
 * ultrax`, `prompt`): JSONL (a file or stdin, `-`), or a parquet file (`.parquet`), read one row
 * group at a time and only the columns asked for. A record is located by its 1-based line
 * (JSONL) or 0-based row (parquet), the way the corpus readers locate them.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { BadLine } from './jsonl-transform';
import { CliError } from './errors';

export interface InputRecord {
  /** 1-based line (JSONL) or 0-based row (parquet). */
  readonly position: number;
  /** The record as an object; throws BadLine when the line is not a JSON object. */
  readonly value: () => Record<string, unknown>;
}

export interface RecordInput {
  readonly kind: 'jsonl' | 'parquet';
  /** What `position` counts, for messages and output fields. */
  readonly positionName: 'line' | 'row';
  readonly records: AsyncIterable<InputRecord>;
  readonly readFailed?: Promise<never>;
  readonly bytesRead: () => number;
  /** Input size in bytes for progress (0 for stdin). */
  readonly totalBytes: number;
}

export function isParquet(path: string): boolean {
  return path.toLowerCase().endsWith('.parquet');
}

/** Opens `--in`; `columns` are the parquet columns to read when present (others are never loaded). */
export function openRecordInput(input: string, columns: readonly string[]): RecordInput {
  const totalBytes = input === '-' ? 0 : checkedSize(input);
  return isParquet(input) ? parquetInput(input, columns, totalBytes) : jsonlInput(input, totalBytes);
}

function checkedSize(input: string): number {
  let stat;
  try {
    stat = statSync(input);
  } catch (err) {
    throw new CliError(`cannot read --in ${input}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!stat.isFile()) throw new CliError(`--in ${input} is not a file`);
  return stat.size;
}

function jsonlInput(input: string, totalBytes: number): RecordInput {
  const source = input === '-' ? process.stdin : createReadStream(input);
  const readFailed = new Promise<never>((_, reject) => source.once('error', reject));
  readFailed.catch(() => undefined);
  async function* records(): AsyncGenerator<InputRecord> {
    let line = 0;
    for await (const raw of createInterface({ input: source, crlfDelay: Infinity })) {
      line++;
      if (raw.trim().length > 0) yield { position: line, value: () => parseObject(raw) };
    }
  }
  return {
    kind: 'jsonl',
    positionName: 'line',
    records: records(),
    readFailed,
    bytesRead: () => ('bytesRead' in source && typeof source.bytesRead === 'number' ? source.bytesRead : 0),
    totalBytes,
  };
}

function parseObject(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new BadLine(`not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadLine('expected a JSON object');
  return value as Record<string, unknown>;
}

function parquetInput(input: string, wanted: readonly string[], totalBytes: number): RecordInput {
  let rowsDone = 0;
  let totalRows = 0;
  async function* records(): AsyncGenerator<InputRecord> {
    const file = await asyncBufferFromFile(input);
    let metadata;
    try {
      metadata = await parquetMetadataAsync(file);
    } catch (err) {
      throw new CliError(`--in ${input} is not a readable parquet file (${err instanceof Error ? err.message : String(err)})`);
    }
    const present = parquetSchema(metadata).children.map((child) => child.element.name);
    const columns = wanted.filter((c) => present.includes(c));
    if (columns.length === 0) throw new CliError(`--in ${input} has none of the columns ${wanted.join(', ')} (it has ${present.join(', ')})`);
    totalRows = Number(metadata.num_rows);
    let rowStart = 0;
    for (const [groupIndex, group] of metadata.row_groups.entries()) {
      const rowEnd = rowStart + Number(group.num_rows);
      let rows: Record<string, unknown>[];
      try {
        rows = await parquetReadObjects({ file, metadata, columns, rowStart, rowEnd, compressors });
      } catch (err) {
        throw new CliError(`--in ${input}: row group ${groupIndex} (rows ${rowStart}–${rowEnd - 1}) could not be read (${err instanceof Error ? err.message : String(err)}); the file may be damaged`);
      }
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        yield { position: rowStart + i, value: () => row };
      }
      rowsDone = rowEnd;
      rowStart = rowEnd;
    }
  }
  return {
    kind: 'parquet',
    positionName: 'row',
    records: records(),
    // Progress in proportion to rows: parquet has no meaningful "bytes so far" for the columns read.
    bytesRead: () => (totalRows > 0 ? Math.round((totalBytes * rowsDone) / totalRows) : 0),
    totalBytes,
  };
}
