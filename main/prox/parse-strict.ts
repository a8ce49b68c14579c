/**
 * Strict-mode parser: a real parser for "one Python call per line".
 *
 * Accepts keyword or positional arguments, both keyword spellings (line_start/start,
 * line_end/end, source_str/source, target_str/target), single-, double- and triple-quoted
 * strings (optionally r-prefixed, adjacent literals concatenated) with Python escapes, so a
 * string may contain `,`, `)`, `=` or quotes; also indentation, blank lines, `#` comments
 * (whole-line or trailing) and Markdown code fences. Anything else on a line is a located
 * error (0-based line and column, a message saying what was expected); nothing throws.
 *
 * Stricter than the reference on purpose: negative line ranges, an empty
 * normalize source and strings containing a newline are errors (a newline would shift the
 * document-global line numbers the program refers to). A reversed range (end before start)
 * parses as an inert operation that removes nothing, as in the reference.
 */
import type { KeepChunkAlias, Operation, OperationKind, ParsedProgram, ProgramError } from './program';

type Value =
  | { readonly type: 'int'; readonly value: number; readonly column: number }
  | { readonly type: 'str'; readonly value: string; readonly column: number }
  | { readonly type: 'bool'; readonly value: boolean; readonly column: number }
  | { readonly type: 'none'; readonly column: number };

interface Argument {
  readonly name: string | null;
  readonly value: Value;
  readonly column: number;
}

class LineError {
  constructor(
    readonly column: number,
    readonly message: string,
  ) {}
}

const OPERATIONS: Readonly<Record<string, { kind: OperationKind; alias?: KeepChunkAlias }>> = {
  drop_doc: { kind: 'drop_doc' },
  keep_doc: { kind: 'keep_doc' },
  keep_chunk: { kind: 'keep_chunk', alias: 'keep_chunk' },
  untouch_doc: { kind: 'keep_chunk', alias: 'untouch_doc' },
  skip_chunk: { kind: 'keep_chunk', alias: 'skip_chunk' },
  remove_lines: { kind: 'remove_lines' },
  normalize: { kind: 'normalize' },
};
const OPERATION_LIST = Object.keys(OPERATIONS).join(', ');

export function parseStrictProgram(text: string): ParsedProgram {
  const operations: Operation[] = [];
  const errors: ProgramError[] = [];
  let lineStart = 0;
  let lineNo = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const source = text.slice(lineStart, lineEnd);
    const result = parseStrictLine(source, lineNo);
    if (result !== null) {
      if ('message' in result) errors.push(result);
      else operations.push(result);
    }
    lineStart = lineEnd + 1;
    lineNo++;
  }
  return { mode: 'strict', operations, errors };
}

/** One program line: an operation, a located error, or null for blank/comment/fence lines. */
export function parseStrictLine(source: string, lineNo: number): Operation | ProgramError | null {
  const scanner = new Scanner(source);
  scanner.skipSpace();
  if (scanner.atEnd() || scanner.peek() === '#' || source.startsWith('```', scanner.pos)) return null;
  let kind: OperationKind | undefined;
  try {
    const nameColumn = scanner.pos;
    const name = scanner.identifier();
    if (name === null) {
      throw new LineError(nameColumn, `expected an operation call such as remove_lines(start=0, end=2), found ${describe(source, nameColumn)}`);
    }
    const spec = OPERATIONS[name];
    if (spec === undefined) {
      throw new LineError(nameColumn, `"${name}" is not an operation; expected one of ${OPERATION_LIST}`);
    }
    kind = spec.kind;
    const args = parseArguments(scanner, name);
    return bind(spec.kind, spec.alias, name, args, lineNo, source, scanner.pos);
  } catch (err) {
    if (!(err instanceof LineError)) throw err;
    const base = { line: lineNo, column: err.column, message: err.message, weight: 1 };
    return kind === undefined ? base : { ...base, kind };
  }
}

function parseArguments(scanner: Scanner, name: string): Argument[] {
  scanner.skipSpace();
  if (scanner.peek() !== '(') throw new LineError(scanner.pos, `expected "(" after ${name}, found ${describe(scanner.text, scanner.pos)}`);
  scanner.pos++;
  const args: Argument[] = [];
  let sawKeyword = false;
  while (true) {
    scanner.skipSpace();
    if (scanner.peek() === ')') break;
    if (scanner.atEnd()) throw new LineError(scanner.pos, `the call to ${name} is not closed: expected ")" (was the output cut off?)`);
    const column = scanner.pos;
    const keyword = scanner.keyword();
    if (keyword === null && sawKeyword) {
      if (!scanner.text.includes(')', column)) throw new LineError(scanner.text.length, `the call to ${name} is not closed: expected ")" (was the output cut off?)`);
      throw new LineError(column, 'a positional argument cannot follow a keyword argument');
    }
    if (keyword !== null) sawKeyword = true;
    scanner.skipSpace();
    const value = parseValue(scanner);
    args.push({ name: keyword, value, column });
    scanner.skipSpace();
    if (scanner.peek() === ',') {
      scanner.pos++;
      continue;
    }
    if (scanner.peek() === ')') break;
    if (scanner.atEnd()) throw new LineError(scanner.pos, `the call to ${name} is not closed: expected ")" (was the output cut off?)`);
    throw new LineError(scanner.pos, `expected "," or ")" in the call to ${name}, found ${describe(scanner.text, scanner.pos)}`);
  }
  scanner.pos++; // the ")"
  scanner.skipSpace();
  if (scanner.peek() === ';') {
    scanner.pos++;
    scanner.skipSpace();
  }
  if (!scanner.atEnd() && scanner.peek() !== '#') {
    throw new LineError(scanner.pos, `unexpected text after the call: ${describe(scanner.text, scanner.pos)} (one call per line)`);
  }
  return args;
}

function parseValue(scanner: Scanner): Value {
  const column = scanner.pos;
  const ch = scanner.peek();
  const stringStart = scanner.stringStart();
  if (stringStart !== null) {
    let value = '';
    // Adjacent literals concatenate, as in Python: "a" 'b' == "ab".
    for (let start: number | null = stringStart; start !== null; start = scanner.stringStart()) {
      value += scanner.stringLiteral();
      scanner.skipSpace();
    }
    return { type: 'str', value, column };
  }
  if (ch === '-' || ch === '+' || (ch >= '0' && ch <= '9')) return { type: 'int', value: scanner.integer(), column };
  const word = scanner.identifier();
  if (word === 'True' || word === 'False') return { type: 'bool', value: word === 'True', column };
  if (word === 'None') return { type: 'none', column };
  throw new LineError(column, `expected a value (an integer, a quoted string, True or False), found ${describe(scanner.text, column)}`);
}

function bind(
  kind: OperationKind,
  alias: KeepChunkAlias | undefined,
  name: string,
  args: readonly Argument[],
  line: number,
  source: string,
  endColumn: number,
): Operation {
  switch (kind) {
    case 'drop_doc':
    case 'keep_doc':
    case 'keep_chunk': {
      if (args.length > 0) throw new LineError(args[0]!.column, `${name}() takes no arguments`);
      if (kind === 'keep_chunk') return { kind, alias: alias ?? 'keep_chunk', line, source };
      return { kind, line, source };
    }
    case 'remove_lines': {
      const bound = bindParameters(name, args, [
        { name: 'start', spellings: ['line_start', 'start'] },
        { name: 'end', spellings: ['line_end', 'end'] },
        { name: 'all', spellings: ['all'], keywordOnly: true },
      ]);
      const all = bound.get('all');
      if (all !== undefined) {
        if (all.type !== 'bool') throw new LineError(all.column, 'all must be True or False');
        if (all.value) {
          const extra = bound.get('start') ?? bound.get('end');
          if (extra !== undefined) throw new LineError(extra.column, 'give either all=True or a line range, not both');
          return { kind, line, source, start: 0, end: -1, all: true };
        }
      }
      const start = bound.get('start');
      const end = bound.get('end');
      if (start === undefined || end === undefined) {
        throw new LineError(endColumn - 1, `remove_lines needs ${start === undefined ? 'line_start' : 'line_end'}: write remove_lines(line_start=N, line_end=M) with 0-based, inclusive line numbers`);
      }
      const startLine = lineNumber(start, 'line_start');
      const endLine = lineNumber(end, 'line_end');
      if (endLine < startLine) {
        // A grammar cannot forbid this (start <= end is not context-free), so a model may write
        // it; the reference treats it as a harmless no-op, and so do we: counting it as an error
        // would let one slip cancel a document's whole program.
        const inert = `line_end ${endLine} is before line_start ${startLine}: removes nothing`;
        return { kind, line, source, start: startLine, end: endLine, all: false, inert };
      }
      return { kind, line, source, start: startLine, end: endLine, all: false };
    }
    case 'normalize': {
      const bound = bindParameters(name, args, [
        { name: 'source', spellings: ['source_str', 'source'] },
        { name: 'target', spellings: ['target_str', 'target'] },
      ]);
      const from = bound.get('source');
      if (from === undefined) throw new LineError(endColumn - 1, 'normalize needs source_str: write normalize(source_str="old", target_str="new")');
      const to = bound.get('target');
      const fromText = stringValue(from, 'source_str');
      const toText = to === undefined ? '' : stringValue(to, 'target_str');
      if (fromText === '') throw new LineError(from.column, 'source_str is empty: there is nothing to replace');
      return { kind, line, source, from: fromText, to: toText };
    }
  }
}

interface Parameter {
  readonly name: string;
  readonly spellings: readonly string[];
  readonly keywordOnly?: boolean;
}

function bindParameters(callee: string, args: readonly Argument[], parameters: readonly Parameter[]): Map<string, Value> {
  const bound = new Map<string, Value>();
  const positional = parameters.filter((p) => !p.keywordOnly);
  let index = 0;
  for (const arg of args) {
    let parameter: Parameter | undefined;
    if (arg.name === null) {
      parameter = positional[index++];
      if (parameter === undefined) throw new LineError(arg.column, `${callee} takes at most ${positional.length} positional arguments`);
    } else {
      parameter = parameters.find((p) => p.spellings.includes(arg.name!));
      if (parameter === undefined) {
        const known = parameters.flatMap((p) => p.spellings).join(', ');
        throw new LineError(arg.column, `${callee} has no argument "${arg.name}"; expected ${known}`);
      }
    }
    if (bound.has(parameter.name)) throw new LineError(arg.column, `${parameter.spellings.join('/')} is given twice`);
    bound.set(parameter.name, arg.value);
  }
  return bound;
}

function lineNumber(value: Value, what: string): number {
  if (value.type !== 'int') throw new LineError(value.column, `${what} must be an integer line number`);
  if (value.value < 0) throw new LineError(value.column, `${what} ${value.value} is negative; line numbers are 0-based`);
  return value.value;
}

function stringValue(value: Value, what: string): string {
  if (value.type !== 'str') throw new LineError(value.column, `${what} must be a quoted string`);
  if (value.value.includes('\n')) {
    throw new LineError(value.column, `${what} contains a newline; it would shift the line numbers the program refers to`);
  }
  return value.value;
}

/** A short, quoted excerpt of what was found at `column`, for error messages. */
function describe(text: string, column: number): string {
  if (column >= text.length) return 'the end of the line';
  const excerpt = text.slice(column, column + 20);
  return JSON.stringify(excerpt.length < text.length - column ? `${excerpt}...` : excerpt);
}

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.pos < this.text.length ? this.text[this.pos]! : '';
  }

  /** Spaces, tabs, form feeds and a stray carriage return (CRLF program text). */
  skipSpace(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 32 && c !== 9 && c !== 12 && c !== 13 && c !== 11) break;
      this.pos++;
    }
  }

  identifier(): string | null {
    const start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
      const digit = c >= 48 && c <= 57;
      if (!letter && !(digit && this.pos > start)) break;
      this.pos++;
    }
    return this.pos > start ? this.text.slice(start, this.pos) : null;
  }

  /** `name =` (not `==`) at the cursor: consumes it and returns the name; otherwise consumes nothing. */
  keyword(): string | null {
    const start = this.pos;
    const name = this.identifier();
    if (name !== null) {
      this.skipSpace();
      if (this.peek() === '=' && this.text[this.pos + 1] !== '=') {
        this.pos++;
        return name;
      }
    }
    this.pos = start;
    return null;
  }

  /** Where a string literal starts (after an optional r/u prefix), or null when none does; consumes nothing. */
  stringStart(): number | null {
    const c = this.peek();
    if (c === '"' || c === "'") return this.pos;
    const next = this.text[this.pos + 1];
    if ((next === '"' || next === "'") && 'rRuU'.includes(c) && c !== '') return this.pos;
    if ((next === '"' || next === "'") && 'bBfF'.includes(c) && c !== '') {
      throw new LineError(this.pos, `${c}-prefixed strings are not supported; use a plain "..." string`);
    }
    return null;
  }

  stringLiteral(): string {
    const startColumn = this.pos;
    let raw = false;
    if (this.peek() !== '"' && this.peek() !== "'") {
      raw = this.peek() === 'r' || this.peek() === 'R';
      this.pos++;
    }
    const quote = this.peek();
    const triple = this.text.startsWith(quote.repeat(3), this.pos);
    const delimiter = triple ? quote.repeat(3) : quote;
    this.pos += delimiter.length;
    let value = '';
    let chunkStart = this.pos;
    while (true) {
      if (this.atEnd()) throw new LineError(startColumn, `unterminated string (expected a closing ${delimiter})`);
      const c = this.text[this.pos]!;
      if (c === '\\') {
        value += this.text.slice(chunkStart, this.pos);
        if (raw) {
          // A raw string keeps the backslash, but it still stops the next quote closing the string.
          value += this.text.slice(this.pos, this.pos + 2);
          this.pos += 2;
        } else {
          value += this.escape();
        }
        chunkStart = this.pos;
        continue;
      }
      if (c === quote && this.text.startsWith(delimiter, this.pos)) {
        value += this.text.slice(chunkStart, this.pos);
        this.pos += delimiter.length;
        return value;
      }
      this.pos++;
    }
  }

  /** A Python escape sequence at the cursor (on the backslash); returns its value. */
  private escape(): string {
    const column = this.pos;
    const c = this.text[this.pos + 1];
    this.pos += 2;
    switch (c) {
      case undefined:
        throw new LineError(column, 'unterminated string (a backslash ends the line)');
      case '\\': return '\\';
      case "'": return "'";
      case '"': return '"';
      case 'a': return '\x07';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'v': return '\v';
      case 'x': return this.hexEscape(2, column);
      case 'u': return this.hexEscape(4, column);
      case 'U': return this.hexEscape(8, column);
      case 'N': throw new LineError(column, '\\N{...} escapes are not supported; write the character itself');
    }
    if (c >= '0' && c <= '7') {
      let digits = c;
      while (digits.length < 3 && this.peek() >= '0' && this.peek() <= '7' && this.peek() !== '') digits += this.text[this.pos++];
      return String.fromCodePoint(parseInt(digits, 8));
    }
    return `\\${c}`; // Python keeps unknown escapes as written
  }

  private hexEscape(length: number, column: number): string {
    const digits = this.text.slice(this.pos, this.pos + length);
    if (digits.length !== length || !/^[0-9a-fA-F]+$/.test(digits)) {
      throw new LineError(column, `bad escape: \\${this.text[column + 1]} needs ${length} hex digits`);
    }
    const code = parseInt(digits, 16);
    if (code > 0x10ffff) throw new LineError(column, `bad escape: code point ${digits} is out of range`);
    this.pos += length;
    return String.fromCodePoint(code);
  }

  /** A Python integer literal with an optional sign; decimal only. */
  integer(): number {
    const column = this.pos;
    let sign = 1;
    while (this.peek() === '-' || this.peek() === '+') {
      if (this.peek() === '-') sign = -sign;
      this.pos++;
      this.skipSpace();
    }
    const start = this.pos;
    let value = 0;
    let lastWasDigit = false;
    while (!this.atEnd()) {
      const code = this.text.charCodeAt(this.pos);
      if (code >= 48 && code <= 57) {
        value = value * 10 + code - 48;
        lastWasDigit = true;
      } else if (code === 95 && lastWasDigit) {
        lastWasDigit = false;
      } else {
        break;
      }
      this.pos++;
    }
    const literal = this.text.slice(start, this.pos);
    if (!lastWasDigit) throw new LineError(column, `expected an integer, found ${describe(this.text, column)}`);
    if (literal.length > 1 && literal[0] === '0' && /[1-9]/.test(literal)) {
      throw new LineError(column, `leading zeros are not allowed in an integer (${literal}); write ${Number(literal.replace(/_/g, ''))}`);
    }
    const next = this.peek();
    if (next === '.' || next === 'e' || next === 'E' || next === 'x' || next === 'o' || next === 'b' || /[A-Za-z_]/.test(next)) {
      throw new LineError(column, `expected an integer line number, found ${describe(this.text, column)}`);
    }
    return value === 0 ? 0 : sign * value;
  }
}
