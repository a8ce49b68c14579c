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
/** How much of a text the title is looked for in: a title is near the top, and indexing pays for every character read. */
export const TITLE_HEAD_CHARS = 4000;
const TITLE_MAX_LINES = 40;
/** A long line is cut at its first sentence when that ends after this many characters. */
const SENTENCE_MIN = 20;

/** Breadcrumb separators: "Home>>", "Home > News > World", "LAT Home→Collections→Regulation". */
const BREADCRUMB_SPLIT = /\s*(?:>>|»|›|→|>)\s*/;
/** Whole lines that are page furniture, not a title (menus, skip links, sign-in prompts). */
const FURNITURE =
  /^(?:skip to(?: the)? (?:main )?(?:content|article|navigation|main)|jump to (?:content|navigation|main content)|accessibility links|toggle navigation|main menu|menu|navigation|home(?: ?page)?|search|log ?in|log ?out|sign ?in|sign ?up|register|subscribe|advertisement|close|share|notice|x|back to top|cookies?|print)$/i;
const URL_ONLY = /^(?:https?:\/\/|www\.)\S+$/i;
const HAS_WORD = /[\p{L}\p{N}]/u;

/**
 * Whether a (trimmed) line is navigation or page furniture rather than a title: no letter or
 * digit at all ("«", "|"), a bare URL, a known menu/skip-link line, or a breadcrumb whose every
 * part is a few words ("Home>>", "Home > News").
 */
export function isNavigationLine(line: string): boolean {
  if (!HAS_WORD.test(line)) return true;
  if (URL_ONLY.test(line)) return true;
  if (FURNITURE.test(line.replace(/[\s:.!|]+$/u, ''))) return true;
  const parts = line.split(BREADCRUMB_SPLIT);
  if (parts.length >= 2 && parts.every((p) => p.split(/\s+/).filter(Boolean).length <= 4)) return true;
  return false;
}

/** A markdown heading's marks and emphasis around a whole line go: "## **Title**" reads "Title". */
function cleanLine(line: string): string {
  let s = line.trim().replace(/^#{1,6}\s+/, '').replace(/\s+#+$/, '');
  const emphasis = /^(\*\*|__|\*|_)(.+)\1$/.exec(s);
  if (emphasis) s = emphasis[2]!.trim();
  return s;
}

/** Shortened for the list: a long line to its first sentence when that is short enough, else cut at a word with "…". */
function shorten(line: string): string {
  if (line.length <= TITLE_MAX) return line;
  // A stop, with the quote or bracket that closes the sentence, before a space.
  const sentence = /[.!?]["'”’)\]]*(?=\s)/gu;
  for (let m = sentence.exec(line); m && m.index + m[0].length <= TITLE_MAX; m = sentence.exec(line)) {
    const end = m.index + m[0].length;
    if (end >= SENTENCE_MIN) return line.slice(0, end);
  }
  const cut = line.slice(0, TITLE_MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space >= TITLE_MAX / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * A title for the document list: the first line near the top that is not navigation or page
 * furniture (isNavigationLine), without markdown heading marks, shortened to its first sentence
 * or 160 characters. When every line near the top is navigation, the first non-blank one.
 * Reads at most TITLE_HEAD_CHARS characters, so it can run on a text's head alone.
 */
export function titleOf(text: string): string {
  const head = text.length > TITLE_HEAD_CHARS ? text.slice(0, TITLE_HEAD_CHARS) : text;
  let fallback = '';
  let start = 0;
  for (let n = 0; n < TITLE_MAX_LINES && start < head.length; n++) {
    let end = head.indexOf('\n', start);
    if (end === -1) end = head.length;
    const line = cleanLine(head.slice(start, end));
    start = end + 1;
    if (line.length === 0) continue;
    if (fallback === '') fallback = line;
    if (!isNavigationLine(line)) return shorten(line);
  }
  return shorten(fallback);
}
