/**
 * JSON.stringify for one string, byte-identical and several times faster on corpus texts.
 *
 * Node 20's V8 escapes a string one character at a time (about 300 MB/s), which made it the
 * largest single cost of an export. A corpus text rarely holds anything to escape besides
 * newlines, and sometimes quotes, backslashes, tabs and carriage returns: those are escaped
 * with native replaceAll, which runs at memory speed, after one regular-expression scan has
 * ruled out everything else. Texts with other control characters or a lone surrogate (which
 * JSON.stringify writes as a \uXXXX escape) go to JSON.stringify itself.
 */

/** Control characters whose JSON form the fast path does not produce: it then defers to JSON.stringify. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RARE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/** String.prototype.isWellFormed (ES2024; in Node 20 and every Electron we ship): false when a surrogate is unpaired. */
const isWellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** True when JSON.stringify(text) may hold escapes other than \" \\ \n \r \t. */
function hasRareEscapes(text: string): boolean {
  return RARE_CONTROL.test(text) || !isWellFormed(text);
}

/** Below this length the scans cost more than JSON.stringify's own loop. */
const SHORT = 64;

/** The JSON text of `text` without its enclosing quotes: what JSON.stringify(text) has between them. */
export function jsonStringBody(text: string): string {
  if (text.length < SHORT || hasRareEscapes(text)) {
    const json = JSON.stringify(text);
    return json.slice(1, -1);
  }
  // Backslashes first, so the ones the later escapes add are not doubled.
  let body = text.includes('\\') ? text.replaceAll('\\', '\\\\') : text;
  if (body.includes('"')) body = body.replaceAll('"', '\\"');
  if (body.includes('\n')) body = body.replaceAll('\n', '\\n');
  if (body.includes('\r')) body = body.replaceAll('\r', '\\r');
  if (body.includes('\t')) body = body.replaceAll('\t', '\\t');
  return body;
}

/** Same as JSON.stringify(text). */
export function jsonString(text: string): string {
  return `"${jsonStringBody(text)}"`;
}

/** True when the only characters of `text` that JSON escapes are newlines (most of a corpus): see writeNewlinesEscaped. */
export function escapesOnlyNewlines(text: string): boolean {
  return text.length >= SHORT && !text.includes('"') && !text.includes('\\') && !text.includes('\r') && !text.includes('\t') && !hasRareEscapes(text);
}

/**
 * Writes jsonStringBody(text) as UTF-8 into `buffer` at `offset` for a text whose only escapes
 * are newlines (escapesOnlyNewlines), and returns where it ends; the buffer needs room for 3
 * bytes per UTF-16 unit. The text goes in line by line, so no escaped copy of it is built.
 */
export function writeNewlinesEscaped(buffer: Buffer, offset: number, text: string): number {
  let end = offset;
  let from = 0;
  for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', from)) {
    end += buffer.write(text.slice(from, newline), end, 'utf8');
    buffer[end++] = 0x5c; // backslash
    buffer[end++] = 0x6e; // n
    from = newline + 1;
  }
  return end + buffer.write(from === 0 ? text : text.slice(from), end, 'utf8');
}
