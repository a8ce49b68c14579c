/**
 * Spelling of the program lines the rules write, as the ProX models write them.
 */

/** A Python double-quoted string literal: what `parseProgram(text, 'strict')` reads back. */
export function pythonString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

export function removeLinesCall(start: number, end: number): string {
  return `remove_lines(start=${start}, end=${end})`;
}

export function normalizeCall(source: string, target: string): string {
  return `normalize(source_str=${pythonString(source)}, target_str=${pythonString(target)})`;
}

/**
 * Whether the reference executor (GAIR-NLP/ProX utils/chunk_utils.py, which slices the call
 * text instead of parsing it) would apply this normalize exactly: it cuts the source at `,`,
 * `)` and `=`, does not unescape, ignores "" and " ". Rules only emit calls that pass.
 */
export function isReferenceSafeNormalizeSource(source: string): boolean {
  if (source === '' || source === ' ') return false;
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return !/[,)="\\]/.test(source);
}
