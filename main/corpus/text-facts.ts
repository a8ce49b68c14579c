/**
 * Per-document facts computed once at indexing time: the content hash (the program cache
 * key), the word count (Python `len(text.split())`, as the executor's thresholds count) and
 * a title for the document list.
 */
import { hash } from 'node:crypto';
import { PYTHON_WHITESPACE } from '../prox/words';

/**
 * 128 bits of sha256: collisions are out of reach for any corpus, and the key stays short.
 * The one-shot crypto.hash avoids a Hash object per document (measurable when indexing).
 */
export function contentHash(text: string): string {
  return hash('sha256', text, 'hex').slice(0, 32);
}

// A lookup table instead of String.includes per character: indexing counts every word of
// every document, and this is several times faster with the same result as prox/words.
const WHITESPACE_TABLE = new Uint8Array(0x3001);
for (const ch of PYTHON_WHITESPACE) WHITESPACE_TABLE[ch.charCodeAt(0)] = 1;

/** Same result as prox/words countWords (Python `len(text.split())`). */
export function countWordsFast(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const space = code <= 0x3000 && WHITESPACE_TABLE[code] === 1;
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

const TITLE_MAX = 160;

/** First non-blank line, trimmed and shortened, for the document list. */
export function titleOf(text: string): string {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, Math.min(end, start + TITLE_MAX * 4)).trim();
    if (line.length > 0) return line.length > TITLE_MAX ? `${line.slice(0, TITLE_MAX - 1)}…` : line;
    start = end + 1;
  }
  return '';
}
