import { promises as fs } from 'node:fs';
import { fileChunks } from './sources';
import { describeJsonLineError } from './errors';
import { describeKeys, getField, recordToDocument, type IssueDraft } from './record';
import { firstInvalidUtf8, isUtf8 } from './utf8';
import type { FormatContext, FormatEvent } from './read';

/** One array element larger than this is skipped with an issue (memory bound). */
export const MAX_ELEMENT_BYTES = 64 * 1024 * 1024;
/** A top-level object (not an array) is parsed whole, so it is only accepted up to this size. */
export const MAX_WHOLE_JSON_BYTES = 64 * 1024 * 1024;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * A .json file: a top-level array of records is streamed element by element (each element
 * is cut out of the byte stream by a small bracket/string tracker and parsed alone), so the
 * file may be far larger than memory. A top-level object is one document when it has the
 * text field, or, when it holds exactly one array of records (e.g. {"data": [...]}), those
 * records; it is parsed whole and limited in size.
 */
export async function* readJsonFile(context: FormatContext): AsyncGenerator<FormatEvent> {
  const splitter = new JsonArraySplitter();
  const out: SplitEvent[] = [];
  let index = 0;
  for await (const chunk of fileChunks(context.file.path, context.counter, context.signal)) {
    splitter.push(chunk, out);
    if (splitter.topLevel === 'object') {
      yield* readWholeObject(context);
      return;
    }
    for (const event of out) {
      if (event.kind === 'element') yield* elementEvents(event, index++, context);
      else yield { kind: 'issue', issue: event.issue };
    }
    out.length = 0;
    if (splitter.failed) return;
  }
  splitter.end(out);
  for (const event of out) {
    if (event.kind === 'element') yield* elementEvents(event, index++, context);
    else yield { kind: 'issue', issue: event.issue };
  }
}

function elementEvents(element: { bytes: Buffer; line: number }, index: number, context: FormatContext): FormatEvent[] {
  const where = `element ${index} (line ${element.line})`;
  if (!isUtf8(element.bytes)) {
    const bad = Math.max(0, firstInvalidUtf8(element.bytes));
    return [issue(element.line, null, `${where} is not valid UTF-8 (bad byte 0x${(element.bytes[bad] ?? 0).toString(16).padStart(2, '0')}). Re-encode the file as UTF-8.`)];
  }
  let value: unknown;
  try {
    value = JSON.parse(element.bytes.toString('utf8'));
  } catch (error) {
    return [issue(element.line, null, `${where} is not valid JSON (${describeJsonLineError(error)}). Fix or remove it; the other elements were read.`)];
  }
  return recordEvents(value, context, index, element.line, where);
}

/** A record's document, plus an issue when its id had to be dropped; or the issue that it is no document. */
function recordEvents(value: unknown, context: FormatContext, index: number, line: number | null, where: string): FormatEvent[] {
  const result = recordToDocument(value, context.fields, index);
  if (!result.ok) return [issue(line, result.field, `${where}: ${result.message}`)];
  const doc: FormatEvent = { kind: 'doc', doc: result.doc };
  return result.idProblem ? [issue(line, context.fields.idField, `${where}: ${result.idProblem}`), doc] : [doc];
}

async function* readWholeObject(context: FormatContext): AsyncGenerator<FormatEvent> {
  const { file } = context;
  const size = (await fs.stat(file.path)).size;
  context.counter.bytes = size;
  if (size > MAX_WHOLE_JSON_BYTES) {
    yield issue(1, null, `the file holds one JSON object of ${(size / 1024 / 1024).toFixed(0)} MB; objects are read whole and the limit is ${MAX_WHOLE_JSON_BYTES / 1024 / 1024} MB. Convert it to JSONL (one record per line) or to a top-level array.`);
    return;
  }
  const bytes = await fs.readFile(file.path, { signal: context.signal });
  if (!isUtf8(bytes)) {
    yield issue(null, null, `not valid UTF-8 (bad byte at offset ${firstInvalidUtf8(bytes)}); the file was skipped. Re-encode it as UTF-8.`);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    yield issue(null, null, `not valid JSON (${error instanceof Error ? error.message : String(error)}); the file was skipped. Fix the file or convert it to JSONL.`);
    return;
  }
  const record = value as Record<string, unknown>;
  if (getField(record, context.fields.textField) !== undefined) {
    yield* recordEvents(record, context, 0, 1, 'the object');
    return;
  }
  const arrays = Object.keys(record).filter((key) => Array.isArray(record[key]));
  if (arrays.length !== 1) {
    yield issue(
      1,
      context.fields.textField,
      `the file is one JSON object without a "${context.fields.textField}" field and ${arrays.length === 0 ? 'no' : 'more than one'} array of records (${describeKeys(record)}). Set the text field, or give the records as a top-level array or JSONL.`,
    );
    return;
  }
  const key = arrays[0]!;
  const records = record[key] as unknown[];
  for (let index = 0; index < records.length; index++) yield* recordEvents(records[index], context, index, null, `"${key}"[${index}]`);
}

function issue(line: number | null, field: string | null, message: string): FormatEvent {
  return { kind: 'issue', issue: { line, field, message } };
}

type SplitEvent = { kind: 'element'; bytes: Buffer; line: number } | { kind: 'issue'; issue: IssueDraft };

/**
 * Cuts the elements of a top-level JSON array out of a byte stream. It tracks only nesting
 * depth and string/escape state; each element is then validated by JSON.parse on its own, so
 * a broken element costs that element, not the file. Structural damage between elements
 * (a missing comma, text after the closing bracket) stops the file with one issue.
 */
export class JsonArraySplitter {
  topLevel: 'unknown' | 'array' | 'object' = 'unknown';
  failed = false;
  private state: 'start' | 'between' | 'element' | 'done' = 'start';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private line = 1;
  private elementLine = 1;
  private afterComma = false;
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private skipping = false;
  private bomChecked = false;

  push(chunk: Buffer, out: SplitEvent[]): void {
    let i = 0;
    if (!this.bomChecked) {
      this.bomChecked = true;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    let elementStart = this.state === 'element' ? 0 : -1;
    const n = chunk.length;
    while (i < n && !this.failed) {
      const b = chunk[i]!;
      if (this.state === 'element') {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (b === BACKSLASH) this.escaped = true;
          else if (b === QUOTE) this.inString = false;
          else if (b === NEWLINE) this.line += 1;
          i += 1;
          continue;
        }
        if (b === QUOTE) this.inString = true;
        else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.depth += 1;
        else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
          if (this.depth === 0) {
            // The closing bracket of the top-level array ends the last element.
            this.finishElement(chunk, elementStart, i, out);
            elementStart = -1;
            this.state = 'done';
            i += 1;
            continue;
          }
          this.depth -= 1;
        } else if (b === COMMA && this.depth === 0) {
          this.finishElement(chunk, elementStart, i, out);
          elementStart = -1;
          this.state = 'between';
          this.afterComma = true;
          i += 1;
          continue;
        } else if (b === NEWLINE) this.line += 1;
        i += 1;
        continue;
      }
      if (b === NEWLINE) this.line += 1;
      if (isSpace(b)) {
        i += 1;
        continue;
      }
      if (this.state === 'start') {
        if (b === OPEN_BRACKET) {
          this.topLevel = 'array';
          this.state = 'between';
        } else if (b === OPEN_BRACE) {
          this.topLevel = 'object';
          return;
        } else this.fail(out, `the file does not start with a JSON array or object (found "${String.fromCharCode(b)}" on line ${this.line}). Check that it is JSON.`);
        i += 1;
        continue;
      }
      if (this.state === 'between') {
        if (b === CLOSE_BRACKET && !this.afterComma) {
          this.state = 'done';
          i += 1;
          continue;
        }
        if (b === COMMA) {
          this.fail(out, `unexpected comma on line ${this.line} (an empty element). Fix the file; elements before it were read.`);
          continue;
        }
        this.state = 'element';
        this.afterComma = false;
        this.depth = 0;
        this.inString = false;
        this.escaped = false;
        this.elementLine = this.line;
        elementStart = i;
        continue; // re-read this byte in element state
      }
      // state 'done': only whitespace may follow the closing bracket.
      this.fail(out, `unexpected text after the end of the top-level array, on line ${this.line}. Fix the file; all elements before it were read.`);
    }
    if (this.state === 'element' && elementStart !== -1) this.hold(chunk.subarray(elementStart), out);
  }

  end(out: SplitEvent[]): void {
    if (this.failed) return;
    if (this.state === 'start') this.fail(out, 'the file is empty; there is nothing to read.');
    else if (this.state !== 'done') this.fail(out, `the file ends before the top-level array is closed (line ${this.line}); it may be truncated. Elements before it were read.`);
  }

  private hold(piece: Buffer, out: SplitEvent[]): void {
    if (this.skipping) return;
    this.partsBytes += piece.length;
    if (this.partsBytes > MAX_ELEMENT_BYTES) {
      out.push({ kind: 'issue', issue: { line: this.elementLine, field: null, message: `the element starting on line ${this.elementLine} is larger than ${MAX_ELEMENT_BYTES / 1024 / 1024} MB and was skipped.` } });
      this.parts = [];
      this.partsBytes = 0;
      this.skipping = true;
      return;
    }
    this.parts.push(Buffer.from(piece));
  }

  private finishElement(chunk: Buffer, start: number, end: number, out: SplitEvent[]): void {
    const piece = start === -1 ? chunk.subarray(0, 0) : chunk.subarray(start, end);
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    const bytes = this.parts.length === 0 ? piece : Buffer.concat([...this.parts, piece]);
    this.parts = [];
    this.partsBytes = 0;
    out.push({ kind: 'element', bytes, line: this.elementLine });
  }

  private fail(out: SplitEvent[], message: string): void {
    this.failed = true;
    out.push({ kind: 'issue', issue: { line: this.line, field: null, message } });
  }
}
