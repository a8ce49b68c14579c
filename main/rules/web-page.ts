/**
 * One page as the `web` rules read it: each line's kind (prose, link-like, other), facts the
 * rules ask about a line (is it code, boilerplate, a headline, the title again, part of a
 * reference list), each computed at most once, and the removals made so far (the first rule
 * to remove a line gives its reason).
 */
import type { RuleKey } from './config';
import type { DocumentView } from './document-view';
import type { LineRemoval } from './verdict';
import {
  BOILERPLATE,
  BULLET,
  BYLINE_OR_DATE,
  CITATION_LIKE,
  CODE_LIKE,
  endsQuestion,
  endsSentence,
  FIRST_WORD,
  HAS_LETTER,
  LONG_PROSE_WORDS,
  MAX_HEADLINE_WORDS,
  MAX_SEE_ALSO,
  normalizeTitle,
  PROSE_WORDS,
  REFERENCE_HEADING,
} from './web-patterns';

/**
 * Of the words of a line that have a letter, the share whose first letter is a capital, in
 * one pass over the characters (ASCII directly, other letters by their Unicode class).
 */
export function capitalisedShare(line: string): number {
  let words = 0;
  let capitalised = 0;
  let inWord = false;
  let seenLetter = false;
  for (let k = 0; k <= line.length; k++) {
    const code = k < line.length ? line.charCodeAt(k) : 0x20;
    if (code === 0x20 || code === 0x09) {
      inWord = false;
      continue;
    }
    if (!inWord) {
      inWord = true;
      seenLetter = false;
    }
    if (seenLetter) continue;
    const upper = code >= 0x41 && code <= 0x5a;
    const lower = code >= 0x61 && code <= 0x7a;
    if (upper || lower) {
      seenLetter = true;
      words++;
      if (upper) capitalised++;
    } else if (code >= 0x80) {
      const ch = line[k] as string;
      if (UPPER_LETTER.test(ch)) {
        seenLetter = true;
        words++;
        capitalised++;
      } else if (HAS_LETTER.test(ch)) {
        seenLetter = true;
        words++;
      }
    }
  }
  return words === 0 ? 0 : capitalised / words;
}

const UPPER_LETTER = /\p{Lu}/u;

/** Line kinds, as stored in WebPage.kinds. */
export const LineKind = { Other: 0, Prose: 1, LinkLike: 2 } as const;

const UNKNOWN = 0;
const YES = 1;
const NO = -1;

export class WebPage {
  readonly n: number;
  /** The lines, trimmed. */
  readonly lines: readonly string[];
  readonly words: Int32Array;
  /** Per line, its LineKind: prose (running text), link-like (a short line without a sentence ending, code or a date) or other. */
  readonly kinds: Uint8Array;
  /** Lines under a "See also", "References" or "Sources" heading, and the heading: part of the text. */
  readonly references: Uint8Array;
  readonly removals = new Map<number, LineRemoval>();

  private readonly sentence: Uint8Array;
  private readonly codeCache: Int8Array;
  private readonly boilerplateCache: Int8Array;
  private readonly bylineCache: Int8Array;
  private readonly headlineCache: Int8Array;
  private readonly titleCache: Int8Array;
  private readonly title: string;
  private readonly titleWords: ReadonlySet<string>;
  private readonly longestTitleWord: string;
  private readonly titleLength: number;
  private questionRuns: Int32Array | undefined;

  constructor(view: DocumentView, maxLinkWords: number) {
    const n = view.lines.length;
    this.n = n;
    this.lines = view.lines.map((line) => line.trim());
    this.words = view.lineWordCounts;
    this.kinds = new Uint8Array(n);
    this.sentence = new Uint8Array(n);
    this.codeCache = new Int8Array(n);
    this.boilerplateCache = new Int8Array(n);
    this.bylineCache = new Int8Array(n);
    this.headlineCache = new Int8Array(n);
    this.titleCache = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      const words = this.words[i] as number;
      if (words === 0) continue;
      const line = this.lines[i] as string;
      const sentence = endsSentence(line);
      if (sentence) this.sentence[i] = 1;
      if (words >= LONG_PROSE_WORDS || (words >= PROSE_WORDS && sentence)) this.kinds[i] = LineKind.Prose;
      else if (words <= maxLinkWords && !sentence && !this.isCode(i) && HAS_LETTER.test(line) && !this.isBylineOrDate(i)) this.kinds[i] = LineKind.LinkLike;
    }
    this.title = normalizeTitle(view.lines[0] ?? '');
    this.titleWords = new Set(this.title.split(' '));
    this.longestTitleWord = [...this.titleWords].reduce((a, b) => (b.length > a.length ? b : a), '');
    this.titleLength = (view.lines[0] ?? '').length;
    this.references = this.findReferences();
  }

  isProse(i: number): boolean {
    return this.kinds[i] === LineKind.Prose;
  }

  isLinkLike(i: number): boolean {
    return this.kinds[i] === LineKind.LinkLike;
  }

  /** Prose that no rule removed: what the text of the page is made of. */
  isKeptProse(i: number): boolean {
    return this.kinds[i] === LineKind.Prose && !this.removals.has(i);
  }

  endsSentence(i: number): boolean {
    return this.sentence[i] === 1;
  }

  isCode(i: number): boolean {
    if (this.codeCache[i] === UNKNOWN) this.codeCache[i] = CODE_LIKE.test(this.lines[i] as string) ? YES : NO;
    return this.codeCache[i] === YES;
  }

  /** A date, or a byline or posting line. */
  isBylineOrDate(i: number): boolean {
    if (this.bylineCache[i] === UNKNOWN) this.bylineCache[i] = BYLINE_OR_DATE.test(this.lines[i] as string) ? YES : NO;
    return this.bylineCache[i] === YES;
  }

  isBoilerplate(i: number): boolean {
    if (this.boilerplateCache[i] === UNKNOWN) this.boilerplateCache[i] = BOILERPLATE.test(this.lines[i] as string) ? YES : NO;
    return this.boilerplateCache[i] === YES;
  }

  /**
   * A headline in a list of teasers: up to 15 words, most of them capitalised, no sentence
   * ending except a question mark (lists of linked questions), not code, not a list item.
   */
  isHeadline(i: number): boolean {
    if (this.headlineCache[i] === UNKNOWN) this.headlineCache[i] = this.looksLikeHeadline(i) ? YES : NO;
    return this.headlineCache[i] === YES;
  }

  /**
   * The title (line 0) again: the same words, a part of it (page titles carry a site name), or
   * all its words and a few more (headlines get a prefix).
   */
  repeatsTitle(i: number): boolean {
    if (this.titleCache[i] === UNKNOWN) this.titleCache[i] = this.matchesTitle(this.lines[i] as string, this.words[i] as number) ? YES : NO;
    return this.titleCache[i] === YES;
  }

  /** Removes line `i` unless it is the title, repeats it, belongs to a reference list, or is removed already. */
  remove(i: number, rule: RuleKey, reason: string): void {
    if (i <= 0 || this.removals.has(i) || this.references[i] === 1 || this.repeatsTitle(i)) return;
    this.removals.set(i, { line: i, rule, reason });
  }

  /** Whether a kept prose line follows within two lines, skipping removed ones. */
  proseFollows(i: number): boolean {
    for (let j = i + 1, seen = 0; j < this.n && seen < 2; j++) {
      if (this.removals.has(j)) continue;
      if (this.kinds[j] === LineKind.Prose) return true;
      seen++;
    }
    return false;
  }

  /** A line that introduces what follows ("Here are a few examples:"). */
  isLeadIn(i: number): boolean {
    return (this.words[i] as number) >= 4 && (this.lines[i] as string).endsWith(':');
  }

  private looksLikeHeadline(i: number): boolean {
    const words = this.words[i] as number;
    if (words === 0 || words > MAX_HEADLINE_WORDS || this.isCode(i)) return false;
    const line = this.lines[i] as string;
    if ((this.sentence[i] === 1 && !endsQuestion(line)) || BULLET.test(line) || line.endsWith(':')) return false;
    // A question in sentence case is a headline only in a list of questions (three in a row).
    if (this.questionRun(i) >= 3) return true;
    return capitalisedShare(line) >= 0.6;
  }

  /** How many short questions in a row the line is part of (0 when it is not one). */
  private questionRun(i: number): number {
    if (this.questionRuns === undefined) {
      const runs = new Int32Array(this.n);
      for (let start = 0; start < this.n; ) {
        let end = start;
        while (end < this.n && this.isShortQuestion(end)) end++;
        for (let j = start; j < end; j++) runs[j] = end - start;
        start = end === start ? start + 1 : end;
      }
      this.questionRuns = runs;
    }
    return this.questionRuns[i] as number;
  }

  private isShortQuestion(i: number): boolean {
    const words = this.words[i] as number;
    return words > 0 && words <= MAX_HEADLINE_WORDS + 5 && this.sentence[i] === 1 && endsQuestion(this.lines[i] as string);
  }

  private matchesTitle(raw: string, lineWords: number): boolean {
    if (this.title === '' || raw.length < 2 || raw.length > this.titleLength * 2 + 8) return false;
    // A part of the title has at least three words or is all of it; a longer headline has all its words.
    if (lineWords < 3 && lineWords < this.titleWords.size) return false;
    // Most lines fail here cheaply: a part of the title starts with one of its words; a
    // longer headline holds its longest word.
    const lower = raw.toLowerCase();
    const firstWord = FIRST_WORD.exec(lower)?.[0];
    if (firstWord === undefined) return false;
    const titleWords = this.titleWords;
    if (!titleWords.has(firstWord) && !(titleWords.size >= 4 && lower.includes(this.longestTitleWord))) return false;
    const text = normalizeTitle(raw);
    if (text === '') return false;
    if (text === this.title) return true;
    const words = text.split(' ');
    if (words.length >= 3 && this.title.includes(text)) return true;
    return titleWords.size >= 4 && words.length <= titleWords.size + 3 && [...titleWords].every((w) => words.includes(w));
  }

  /**
   * A list under "See also", "References", "Sources" ...: the heading, then entries that are
   * citations (a year, a quotation, a URL or a closing period) or, right under the heading, a
   * short list of short names; the first line of another shape ends the list.
   */
  private findReferences(): Uint8Array {
    const references = new Uint8Array(this.n);
    for (let i = 1; i < this.n; i++) {
      if ((this.words[i] as number) > 3 || !REFERENCE_HEADING.test(this.lines[i] as string)) continue;
      references[i] = 1;
      let names = 0;
      for (let j = i + 1; j < this.n; j++) {
        const words = this.words[j] as number;
        if (words >= 2 && CITATION_LIKE.test(this.lines[j] as string)) references[j] = 1;
        else if (words >= 1 && words <= 4 && names === j - i - 1 && names < MAX_SEE_ALSO) {
          references[j] = 1;
          names++;
        } else break;
      }
    }
    return references;
  }
}
