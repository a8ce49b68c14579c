import { describeFsError } from './errors';
import { JsonlDecoder, type DecodedEvent } from './jsonl';
import { CorruptError, fileChunks, gunzipChunks, TruncatedError, unzstdChunks, type ByteCounter } from './sources';
import { readTextFile } from './text';
import { readJsonFile } from './json';
import type { FieldPaths, IssueDraft } from './record';
import { DEFAULT_ID_FIELD, DEFAULT_TEXT_FIELD, type ReadEvent, type ReadOptions, type SourceFile } from './types';

/** Past this many issues in one file the rest are counted, not listed: a binary file must not flood the list. */
export const MAX_LISTED_ISSUES_PER_FILE = 200;

/** What a format reader yields: documents and issues, without file name or progress. */
export type FormatEvent = DecodedEvent;

export interface FormatContext {
  file: SourceFile;
  fields: FieldPaths;
  counter: ByteCounter;
  signal?: AbortSignal;
}

/**
 * Every document of one source file, as events in file order. Bad input never throws: it
 * becomes an issue event naming the file, line and field, and reading goes on where it can.
 * Only an abort (options.signal) ends the iteration with an exception.
 */
export async function* readSource(file: SourceFile, options: ReadOptions = {}): AsyncGenerator<ReadEvent> {
  const fields: FieldPaths = { textField: options.textField || DEFAULT_TEXT_FIELD, idField: options.idField || DEFAULT_ID_FIELD };
  const counter: ByteCounter = { bytes: 0, onRawChunk: options.onRawChunk };
  const context: FormatContext = { file, fields, counter, signal: options.signal };
  let listed = 0;
  let unlisted = 0;
  const toIssue = (issue: IssueDraft): Extract<ReadEvent, { kind: 'issue' }> => ({ kind: 'issue', issue: { file: file.relPath, ...issue }, bytesRead: counter.bytes });
  try {
    for await (const event of formatEvents(context)) {
      // Checked per event, not per chunk: one chunk can hold thousands of documents.
      if (options.signal?.aborted) break;
      if (event.kind === 'doc') {
        yield { kind: 'doc', doc: event.doc, bytesRead: counter.bytes };
      } else if (listed < MAX_LISTED_ISSUES_PER_FILE) {
        listed += 1;
        yield toIssue(event.issue);
      } else {
        unlisted += 1;
      }
    }
  } catch (error) {
    options.signal?.throwIfAborted();
    yield { ...toIssue({ line: null, field: null, message: `reading stopped: ${describeFsError(error)}. Documents before this point were read; the file is read again on the next scan.` }), readStopped: true };
  }
  options.signal?.throwIfAborted();
  if (unlisted > 0) {
    yield toIssue({
      line: null,
      field: null,
      message: `${unlisted} more problems in this file were not listed one by one (only the first ${MAX_LISTED_ISSUES_PER_FILE} are). Is this file really ${file.format}?`,
    });
  }
}

function formatEvents(context: FormatContext): AsyncIterable<FormatEvent> {
  switch (context.file.format) {
    case 'txt':
    case 'md':
      return readTextFile(context);
    case 'jsonl':
      return readJsonl(context, fileChunks(context.file.path, context.counter, context.signal), null);
    case 'jsonl.gz':
      return readJsonl(context, gunzipChunks(context.file.path, context.counter, context.signal), 'gzip');
    case 'jsonl.zst':
      return readJsonl(context, unzstdChunks(context.file.path, context.counter, context.signal), 'zstd');
    case 'json':
      return readJsonFile(context);
    case 'parquet':
      return readParquet(context);
  }
}

/**
 * The parquet reader loads its library on first use: hyparquet and its codecs take ~0.3 s to
 * load, which every indexing worker thread would otherwise pay even for a folder of JSONL.
 */
async function* readParquet(context: FormatContext): AsyncGenerator<FormatEvent> {
  const { readParquetFile } = await import('./parquet');
  yield* readParquetFile(context);
}

async function* readJsonl(context: FormatContext, chunks: AsyncIterable<Buffer>, codec: 'gzip' | 'zstd' | null): AsyncGenerator<FormatEvent> {
  const decoder = new JsonlDecoder(context.fields);
  let out: DecodedEvent[] = [];
  let seen = false;
  try {
    for await (const chunk of chunks) {
      decoder.push(chunk, out);
      if (out.length > 0) {
        seen = true;
        const ready = out;
        out = [];
        yield* ready;
      }
    }
  } catch (error) {
    if (error instanceof TruncatedError) {
      decoder.end(out, false);
      yield* out;
      yield {
        kind: 'issue',
        issue: {
          line: null,
          field: null,
          message: `file ends early (truncated ${error.codec}); ${decoder.documents} documents before it were read. Re-download or re-create the file to read the rest.`,
        },
      };
      return;
    }
    if (error instanceof CorruptError) {
      decoder.end(out, false);
      yield* out;
      yield {
        kind: 'issue',
        issue: {
          line: null,
          field: null,
          message: `${error.message}; ${decoder.documents} documents before the damage were read. Check that the file really is .${codec === 'gzip' ? 'gz' : 'zst'} and re-create it.`,
        },
      };
      return;
    }
    throw error;
  }
  decoder.end(out, true);
  yield* out;
  // As empty.json and empty.txt are reported: a JSONL file with no record at all (no bytes, or blank lines only).
  if (!seen && out.length === 0) yield { kind: 'issue', issue: { line: null, field: null, message: 'the file is empty (no records); there is nothing to read.' } };
}
