/**
 * Text from outside (file names, ids, fields of the input) made safe for one terminal line:
 * control characters (newlines, ANSI escape sequences, C1 controls) and the Unicode controls
 * that reorder or hide text are written as escapes, so a file named "a\nb.jsonl" or one holding
 * "\x1b[2J" prints as what it is and cannot forge another line or clear the screen. Backslashes
 * are doubled, so an escape shown always means the character, never a name that spells one.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\\\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

const NAMED: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (ch) => NAMED[ch] ?? (ch.charCodeAt(0) <= 0xff ? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u{${ch.charCodeAt(0).toString(16)}}`));
}
