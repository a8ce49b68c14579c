import { firstInvalidUtf8, isUtf8 } from './utf8';
import { describeJsonLineError } from './errors';
import { recordToDocument, type FieldPaths, type IssueDraft } from './record';
import type { CorpusDocument } from './types';

export type DecodedEvent = { kind: 'doc'; doc: CorpusDocument } | { kind: 'issue'; issue: IssueDraft };

/** A line longer than this is skipped with an issue, so one runaway line cannot exhaust memory. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Splits a JSONL byte stream into records, chunk by chunk, without decoding whole chunks to
 * strings: lines are found with Buffer.indexOf and UTF-8 is validated once per chunk (one
 * fast native pass), falling back to per-line checks only when a chunk has a bad byte.
 * Feed chunks with push(), then call end(). Events are appended to the array passed in.
 */
export class JsonlDecoder {
  private readonly fields: FieldPaths;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Absolute (decompressed) offset of the first pending byte / of the next chunk. */
  private pendingStart = 0;
  private streamOffset = 0;
  /** Lines seen so far; the next line is lineNo + 1. */
  private lineNo = 0;
  private skippingLongLine = false;
  documents = 0;

  constructor(fields: FieldPaths) {
    this.fields = fields;
  }

  push(chunk: Buffer, out: DecodedEvent[]): void {
    const chunkStart = this.streamOffset;
    this.streamOffset += chunk.length;
    let pos = 0;
    if (this.pending.length > 0 || this.skippingLongLine) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl === -1) {
        this.hold(chunk, 0, chunkStart, out);
        return;
      }
      if (this.skippingLongLine) {
        this.skippingLongLine = false;
      } else {
        this.pending.push(chunk.subarray(0, nl));
        const line = Buffer.concat(this.pending, this.pendingBytes + nl);
        this.pending = [];
        this.pendingBytes = 0;
        this.handleLine(line, 0, line.length, false, this.pendingStart, out);
      }
      pos = nl + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= pos) {
      // Newline bytes never occur inside a UTF-8 sequence, so the complete lines form a
      // region that can be validated in one call.
      const regionValid = isUtf8(chunk.subarray(pos, last));
      while (pos <= last) {
        const nl = chunk.indexOf(NEWLINE, pos);
        this.handleLine(chunk, pos, nl, regionValid, chunkStart + pos, out);
        pos = nl + 1;
      }
    }
    if (pos < chunk.length) this.hold(chunk, pos, chunkStart, out);
  }

  /**
   * End of input. complete=false means the stream broke off (truncated archive): the partial
   * last line is then dropped instead of being parsed as if it were whole.
   */
  end(out: DecodedEvent[], complete = true): void {
    if (this.pending.length > 0 && complete) {
      const line = Buffer.concat(this.pending, this.pendingBytes);
      this.handleLine(line, 0, line.length, false, this.pendingStart, out);
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.skippingLongLine = false;
  }

  private hold(chunk: Buffer, from: number, chunkStart: number, out: DecodedEvent[]): void {
    if (this.skippingLongLine) return;
    if (this.pending.length === 0) this.pendingStart = chunkStart + from;
    const piece = chunk.subarray(from);
    this.pendingBytes += piece.length;
    if (this.pendingBytes > MAX_LINE_BYTES) {
      this.lineNo += 1;
      out.push({
        kind: 'issue',
        issue: {
          line: this.lineNo,
          field: null,
          message: `line ${this.lineNo} is longer than ${MAX_LINE_BYTES / 1024 / 1024} MB and was skipped. Is this really a JSON Lines file (one record per line)?`,
        },
      });
      this.pending = [];
      this.pendingBytes = 0;
      this.skippingLongLine = true;
      return;
    }
    // Copy: the caller may reuse the chunk's memory (stream pools), and we keep this past the call.
    this.pending.push(Buffer.from(piece));
  }

  private handleLine(buf: Buffer, start: number, end: number, knownValid: boolean, offset: number, out: DecodedEvent[]): void {
    const lineNo = ++this.lineNo;
    if (end > start && buf[end - 1] === CR) end -= 1;
    if (lineNo === 1 && end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) {
      start += 3;
      offset += 3;
    }
    if (isBlank(buf, start, end)) return;
    if (!knownValid && !isUtf8(buf.subarray(start, end))) {
      const bad = firstInvalidUtf8(buf, start, end);
      const at = offset + (bad === -1 ? 0 : bad - start);
      out.push({
        kind: 'issue',
        issue: {
          line: lineNo,
          field: null,
          message: `line ${lineNo} is not valid UTF-8 (bad byte 0x${(buf[bad === -1 ? start : bad] ?? 0).toString(16).padStart(2, '0')} at byte offset ${at}). Re-encode the file as UTF-8 (e.g. iconv -f latin1 -t utf-8).`,
        },
      });
      return;
    }
    const source = buf.toString('utf8', start, end);
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      const why = describeJsonLineError(error);
      out.push({
        kind: 'issue',
        issue: { line: lineNo, field: null, message: `line ${lineNo} is not valid JSON (${why}). Fix or remove the line; the rest of the file was read.` },
      });
      return;
    }
    const result = recordToDocument(value, this.fields, lineNo, offset);
    if (!result.ok) {
      out.push({ kind: 'issue', issue: { line: lineNo, field: result.field, message: `line ${lineNo}: ${result.message}` } });
      return;
    }
    if (result.idProblem) out.push({ kind: 'issue', issue: { line: lineNo, field: this.fields.idField, message: `line ${lineNo}: ${result.idProblem}` } });
    this.documents += 1;
    out.push({ kind: 'doc', doc: result.doc });
  }
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  }
  return true;
}
