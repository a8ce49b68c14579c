import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { recordToDocument } from './record';
import type { FormatContext, FormatEvent } from './read';

/**
 * A .parquet file (e.g. a Hugging Face dataset's data/train-00000-of-00004.parquet), read
 * one row group at a time, so memory stays bounded by the largest row group, not by the
 * file. Every column is read: the ones that are not text or id travel with the document (as
 * JSON: 64-bit integers beyond 2^53 as strings, timestamps as ISO strings, bytes as base64)
 * so export can write them back. Nested (struct) columns are
 * reached with dotted field paths such as 'metadata.text'. Rows are located by their
 * 0-based row number in the file.
 */
export async function* readParquetFile(context: FormatContext): AsyncGenerator<FormatEvent> {
  const { file, fields } = context;
  const buffer = await asyncBufferFromFile(file.path);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    context.counter.bytes = file.size;
    yield issue(null, null, `not a readable parquet file (${message(error)}); it was skipped. It may be truncated or not parquet at all: re-download or re-export it.`);
    return;
  }
  const topColumns = parquetSchema(metadata).children.map((child) => child.element.name);
  const textColumn = topColumnFor(fields.textField, topColumns);
  if (textColumn === null) {
    context.counter.bytes = file.size;
    yield issue(null, fields.textField, `no "${fields.textField}" column (columns: ${topColumns.join(', ')}). Set the text field to the column that holds the text.`);
    return;
  }

  const totalRows = Number(metadata.num_rows);
  let rowStart = 0;
  for (const [groupIndex, group] of metadata.row_groups.entries()) {
    context.signal?.throwIfAborted();
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd, compressors });
    } catch (error) {
      yield issue(null, null, `row group ${groupIndex} (rows ${rowStart}–${rowEnd - 1}) could not be read (${message(error)}); those rows were skipped. The file may be damaged.`);
      rowStart = rowEnd;
      continue;
    }
    // Progress in proportion to rows: parquet has no meaningful "bytes so far" for columns read.
    context.counter.bytes = totalRows > 0 ? Math.round((file.size * rowEnd) / totalRows) : file.size;
    for (let i = 0; i < rows.length; i++) {
      const row = rowStart + i;
      const result = recordToDocument(jsonValue(rows[i]), fields, row);
      if (!result.ok) {
        yield issue(null, result.field, `row ${row}: ${result.message}`);
        continue;
      }
      if (result.idProblem) yield issue(null, fields.idField, `row ${row}: ${result.idProblem}`);
      yield { kind: 'doc', doc: result.doc };
    }
    rowStart = rowEnd;
  }
  context.counter.bytes = file.size;
}

/** The top-level column to read for a (possibly dotted) field path, or null if there is none. */
function topColumnFor(fieldPath: string, columns: string[]): string | null {
  if (columns.includes(fieldPath)) return fieldPath;
  const head = fieldPath.split('.')[0]!;
  return columns.includes(head) ? head : null;
}

/** A parquet value as JSON can hold it (see the file comment); plain JSON values pass through untouched. */
export function jsonValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
    return value;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(jsonValue);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = jsonValue(inner);
  return out;
}

function issue(line: number | null, field: string | null, text: string): FormatEvent {
  return { kind: 'issue', issue: { line, field, message: text } };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
