/**
 * The shapes the corpus readers hand to the workspace index. Readers never throw for bad
 * input: a broken line or file becomes a ReadIssue event and reading goes on.
 */

export type SourceFormat = 'txt' | 'md' | 'jsonl' | 'jsonl.gz' | 'jsonl.zst' | 'json' | 'parquet';

export interface SourceFile {
  /** Absolute path, as found (not resolved through symlinks). */
  path: string;
  /** Posix-style path relative to the scanned root; what users see in messages. */
  relPath: string;
  size: number;
  mtimeMs: number;
  format: SourceFormat;
}

export interface ReadOptions {
  /** Field holding the document text; dotted paths like 'metadata.text' are allowed. Default 'text'. */
  textField?: string;
  /** Field holding the document id (string or number). Default 'id'. */
  idField?: string;
  signal?: AbortSignal;
  /**
   * Called with each chunk of the file's bytes on disk, in order, where the format reads the
   * file as one stream (JSONL, compressed or not; streamed JSON): lets a caller hash the file
   * without reading it twice. Not called for formats read otherwise (txt, md, parquet).
   */
  onRawChunk?: (chunk: Buffer) => void;
}

export interface CorpusDocument {
  externalId: string | null;
  text: string;
  /** 1-based line (jsonl), 0-based row (parquet), 0-based index (json array), null (txt/md). */
  locator: number | null;
  /** Byte offset of the record in the (decompressed) file, where the format has one. */
  byteOffset?: number;
  /**
   * The record's other fields (everything but the text and id fields) as one JSON object, so
   * export can write them back under their own keys; absent when the record has none.
   */
  extra?: string;
}

export interface ReadIssue {
  /** relPath of the file. */
  file: string;
  line: number | null;
  field: string | null;
  /** Says what is wrong and what to do about it. */
  message: string;
}

/** bytesRead counts bytes consumed from the file on disk (compressed bytes for .gz/.zst), for progress. */
export type ReadEvent =
  | { kind: 'doc'; doc: CorpusDocument; bytesRead: number }
  /** readStopped: the file could not be read to its end (the issue says why). */
  | { kind: 'issue'; issue: ReadIssue; bytesRead: number; readStopped?: boolean };

export type ScanEntry = SourceFile | { issue: ReadIssue };

/** Filled in by scanFolder as it goes, so a caller can show what was left out. */
export interface ScanStats {
  files: number;
  bytes: number;
  /** Files skipped because their extension is not a supported format. */
  unsupported: number;
  /** A few of the unsupported extensions seen (e.g. '.csv'), to show the user. */
  unsupportedExtensions: string[];
  /** Hidden files and folders (name starting with '.') skipped. */
  hidden: number;
  /** Directories or files reached twice through symlinks and skipped the second time. */
  duplicates: number;
  /** Files skipped because Refinery wrote them (ScanOptions.exclude: exports into the folder itself). */
  excluded: number;
}

export const DEFAULT_TEXT_FIELD = 'text';
export const DEFAULT_ID_FIELD = 'id';
