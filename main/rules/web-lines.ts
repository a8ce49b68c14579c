/**
 * The `web` line set: what to remove from the raw text of a whole web page (menus, header and
 * footer, widgets, link lists, consent and sign-up boilerplate), judging each line by what is
 * around it, not only by itself, and what is left to judge the page on.
 *
 * Lines fall into three kinds first:
 * - prose: a line of running text (enough words and a sentence ending, or many words);
 * - link-like: a short line without a sentence ending, code or a date (a menu item, a button,
 *   a tag, a heading);
 * - other (longer lines without a sentence ending, code, dates, bylines).
 * A short line alone means little: a heading inside an article looks like a menu item. The
 * rules therefore look at its surroundings:
 * - web.widgets: a line that is only a URL, a button/widget label or a count, anywhere;
 * - web.boilerplate: a line of cookie/consent, copyright, terms/privacy or sign-up/log-in text;
 * - web.menus: a run of link-like lines (a menu, a tag cloud, a list of links);
 * - web.page_edges: above the first and below the last prose line, what is not prose, except
 *   the title repeated, and the byline, date, dek or caption just above the text;
 * - web.repeated: a link-like line that appears again on the page (duplicated menus, repeated
 *   buttons), unless it repeats the title;
 * - web.related: a "Related", "Most read", "Read next" ... heading and the teaser lines under it.
 * Never removed: line 0 (the title) and lines repeating it, prose lines (except boilerplate),
 * code and formulas.
 */
import { isOn, threshold, type RuleConfig, type RuleKey } from './config';
import type { DocumentView } from './document-view';
import type { LineRemoval } from './verdict';

const SENTENCE_END = /[.!?]["'”’)\]]*$/;
const URL_ONLY = /^(?:<?(?:https?:\/\/|www\.)\S+>?|[^\s@]+\.(?:com|org|net|edu|gov|io|co\.uk)(?:\/\S*)?)$/i;
/** Whole-line labels of buttons and widgets (share, reply, log in, read more ...) and bare counts. */
const WIDGET_LABEL =
  /^(?:[#•|·›»>\-–—]?\s*)?(?:share(?: this(?: article| story| post| page)?)?|tweet|pin(?: it)?|email|e-mail|print(?: view| this)?|save(?: article)?|copy(?: link)?|copied|reply(?:delete)?|quote|like|top|back to top|post(?: reply)?|permalink|report|comment|comments|view images?|enlarge(?: image)?|close|menu|search|skip to (?:main )?content|home|more|read more|load more|show more|see more|next|previous|prev|older posts|newer posts|advertisement|ad|sponsored|loading\.*|log ?in|sign ?in|sign ?up|register|subscribe|follow(?: us)?|accept|accept all|allow all|reject all|decline|ok|got it|expand|collapse|toggle navigation|learn more|view all|see all|show all|followers|following|more sharing options\.*|add a comment|leave a comment|post a comment|load comments|advertise(?: with us)?|#?\d{1,5}|\d+(?:\.\d+)?k|[-|•·–—/]+)$/i;
/** A comment signature: a dash, then a name. */
const SIGNATURE = /^[–—]\s*\p{L}[\p{L}\p{N}._'’ -]{0,40}$/u;
/** When a post was asked, answered or edited (Q&A sites). */
const POST_META = /^(?:asked|answered|edited|modified|viewed|active)\b(?:\s+\S+){0,7}$/i;
/** Phrases that only boilerplate carries: consent, copyright, legal links, account prompts. */
const BOILERPLATE =
  /©|&copy\b|\bcopyright\b|all rights reserved|\bprivacy (?:policy|notice|settings|statement)\b|terms (?:of|and) (?:use|service|conditions)|\bcookies?\b|\bnewsletter\b|\bsubscribe\b|\bsign (?:up|in)\b|\blog ?in\b|\bfollow us\b|\bcontact us\b|\bshare (?:this|on)\b|\bskip to\b|\bpowered by\b|\bsitemap\b|registered trademark|by submitting|you agree to|advertise with us/i;
/** A date, or a byline or posting line. */
const BYLINE_OR_DATE =
  /^(?:by\b|posted\b|published\b|updated\b)|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}\b|\b\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/i;
/** Code, markup and formulas: never menu-like, whatever their length. */
const CODE_LIKE = /[{}();=<>[\]$\\]|^\s*(?:\/\/|#\S|\*\s)|[;,]\s*$/;
/** Image captions and credits stay even when they carry a copyright sign. */
const CAPTION = /^\(?\s*(?:image|photo|picture|photograph|credit|source|illustration|figure|fig\.)s?\b/i;
/** A person's name as a byline: two or three capitalised words. */
const NAME_LINE = /^(?:by\s+)?\p{Lu}[\p{L}'’.-]+(?:\s+\p{Lu}[\p{L}'’.-]+){1,2}$/u;
/** The heading of a related-content block inserted in or after an article. */
const RELATED_HEADER =
  /^(?:related(?: (?:posts|articles|stories|content|coverage|links|topics|questions|reading))?|recommended(?: (?:stories|reading|articles|for you))?|read (?:more|next|also)|more (?:from|stories|news|on|in)\b.*|most (?:popular|read|viewed|shared|commented)|trending(?: now| stories)?|you (?:may|might) also (?:like|enjoy)|popular (?:posts|stories|articles)|latest (?:news|posts|stories|articles)|recent (?:posts|comments|articles)|top stories|editor'?s picks|hot network questions|linked)\s*:?$/i;
/** A label that heads tags or widgets; only the label itself goes. */
const LABEL_LINE = /^(?:tags?|filed under|categories|category|topics|share this(?: article| story| post)?|share on|follow us on)\s*:?$/i;

/** The heading of a list that belongs to the text: its see-also links, references, sources. */
const REFERENCE_HEADING = /^(?:see also|references|sources?|notes|bibliography|further reading|works cited|citations)\s*:?$/i;
/** A reference-list entry: a year, a quotation, a URL or a closing period. */
const CITATION_LIKE = /\b(?:1[5-9]|20)\d{2}\b|["“”]|https?:\/\/|\.$/;
/** The most entries of a "See also" list of short names. */
const MAX_SEE_ALSO = 12;
/** Code, markup or math that marks the text of a page as much as prose does. */
const STRONG_CODE = /[{}\\=;$]|<\/?[a-z][^>]*>|\[\/?(?:math|latex|tex|code)\]/i;
const QUESTION_END = /\?["'”’)\]]*$/;
/** A list item: it belongs to the text around it, not to a menu. */
const BULLET = /^(?:[-•*–]|\d{1,2}[.)])\s/;
/** The most words a headline in a list of teasers has. */
const MAX_HEADLINE_WORDS = 15;
/** At least this many words (and a sentence ending) make a line prose. */
const PROSE_WORDS = 8;
/** This many words make a line prose even without a sentence ending (hard-wrapped text). */
const LONG_PROSE_WORDS = 20;
/** A boilerplate line this long is text about the subject, not a banner. */
const MAX_BOILERPLATE_WORDS = 40;
/** How many lines above the first prose line can be its byline, date, dek or caption. */
const BYLINE_ZONE = 4;

/** Line kinds, as stored in WebLinesResult.kinds. */
export const LineKind = { Other: 0, Prose: 1, LinkLike: 2 } as const;

export interface WebLinesResult {
  readonly removals: readonly LineRemoval[];
  /** Per line, its kind (a LineKind value). */
  readonly kinds: Uint8Array;
}

function normalizeTitle(line: string): string {
  return line.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export function runWebLines(view: DocumentView, config: RuleConfig): WebLinesResult {
  const { lines, lineWordCounts } = view;
  const n = lines.length;
  const maxLinkWords = threshold(config, 'web.max_link_words') ?? 4;
  const minRun = threshold(config, 'web.menus');
  const widgets = isOn(config, 'web.widgets');
  const boilerplateRule = isOn(config, 'web.boilerplate');
  const edges = threshold(config, 'web.page_edges');
  const repeated = isOn(config, 'web.repeated');
  const related = isOn(config, 'web.related');

  const trimmed = lines.map((line) => line.trim());
  const kinds = new Uint8Array(n);
  const code = new Uint8Array(n);
  const boiler = new Int8Array(n);
  const isBoilerplate = (i: number): boolean => {
    if (boiler[i] === 0) boiler[i] = BOILERPLATE.test(trimmed[i] as string) ? 1 : -1;
    return boiler[i] === 1;
  };
  for (let i = 0; i < n; i++) {
    const line = trimmed[i] as string;
    const words = lineWordCounts[i] as number;
    if (words === 0) continue;
    const sentence = SENTENCE_END.test(line);
    if (CODE_LIKE.test(line)) code[i] = 1;
    if (words >= LONG_PROSE_WORDS || (words >= PROSE_WORDS && sentence)) kinds[i] = LineKind.Prose;
    else if (words <= maxLinkWords && !code[i] && !sentence && /\p{L}/u.test(line) && !BYLINE_OR_DATE.test(line)) kinds[i] = LineKind.LinkLike;
  }

  const title = normalizeTitle(lines[0] ?? '');
  const titleWords = new Set(title.split(' '));
  const titleLength = (lines[0] ?? '').length;
  /**
   * The title again: the same words, a part of it (page titles carry a site name), or all its
   * words and a few more (headlines get a prefix).
   */
  const repeatsTitle = (i: number): boolean => {
    const raw = trimmed[i] as string;
    if (title === '' || raw.length > titleLength * 2 + 8) return false;
    const text = normalizeTitle(raw);
    if (text === '' ) return false;
    if (text === title) return true;
    const words = text.split(' ');
    if (words.length >= 3 && title.includes(text)) return true;
    return titleWords.size >= 4 && [...titleWords].every((w) => words.includes(w)) && words.length <= titleWords.size + 3;
  };

  // A list under "See also", "References" or "Sources" is part of the text: the heading and
  // the entries under it (lines of several words) stay.
  const references = new Uint8Array(n);
  for (let i = 1; i < n; i++) {
    if (!REFERENCE_HEADING.test(trimmed[i] as string)) continue;
    references[i] = 1;
    // Entries: citations (a year, a quotation, a URL or a closing period), or a short list of
    // short names ("See also"); the first line of another shape ends the list.
    let names = 0;
    for (let j = i + 1; j < n; j++) {
      const entry = trimmed[j] as string;
      const words = lineWordCounts[j] as number;
      if (words >= 2 && CITATION_LIKE.test(entry)) references[j] = 1;
      else if (words >= 1 && words <= 4 && names === j - i - 1 && names < MAX_SEE_ALSO) {
        references[j] = 1;
        names++;
      } else break;
    }
  }
  const removals = new Map<number, LineRemoval>();
  const remove = (i: number, rule: RuleKey, reason: string): void => {
    if (i <= 0 || removals.has(i) || references[i] || repeatsTitle(i)) return;
    removals.set(i, { line: i, rule, reason });
  };

  for (let i = 1; i < n; i++) {
    const line = trimmed[i] as string;
    const words = lineWordCounts[i] as number;
    if (words === 0) continue;
    if (widgets && words <= 4) {
      if (words === 1 && URL_ONLY.test(line)) remove(i, 'web.widgets', 'web: a URL alone');
      else if (SIGNATURE.test(line)) remove(i, 'web.widgets', 'web: comment signature');
      else if (WIDGET_LABEL.test(line) || LABEL_LINE.test(line)) remove(i, 'web.widgets', 'web: button or widget label');
    }
    if (widgets && words <= 8 && POST_META.test(line)) remove(i, 'web.widgets', 'web: post metadata');
    if (boilerplateRule && words <= MAX_BOILERPLATE_WORDS && isBoilerplate(i) && !CAPTION.test(line)) {
      remove(i, 'web.boilerplate', 'web: consent, legal, sign-up or copyright text');
    }
  }

  /** A headline in a teaser list: up to 15 words, most of them capitalised, no sentence ending. */
  const isHeadline = (i: number): boolean => {
    const words = lineWordCounts[i] as number;
    if (words === 0 || words > MAX_HEADLINE_WORDS || code[i]) return false;
    const line = trimmed[i] as string;
    // A question is a headline too (lists of linked questions); other sentences are not.
    if ((SENTENCE_END.test(line) && !QUESTION_END.test(line)) || BULLET.test(line) || line.endsWith(':')) return false;
    const tokens = line.split(/\s+/).filter((t) => /\p{L}/u.test(t));
    const capitalised = tokens.filter((t) => /^[^\p{L}]*\p{Lu}/u.test(t)).length;
    return tokens.length > 0 && capitalised >= tokens.length * 0.6;
  };
  if (minRun !== undefined) {
    // A run: consecutive link-like lines and headlines (lines already removed as widgets
    // count too); dates and bylines inside it neither count nor end it. A run followed by
    // prose keeps its dates and bylines: they belong to the text below.
    let start = -1;
    let counted = 0;
    const close = (end: number): void => {
      if (start >= 0 && counted >= minRun) {
        const keepBylines = end < n && kinds[end] === LineKind.Prose;
        for (let j = start; j < end; j++) {
          const neutral = isNeutral(j);
          if (neutral && keepBylines) continue;
          remove(j, 'web.menus', `web: menu or link list (${counted} short lines in a row)`);
        }
      }
      start = -1;
      counted = 0;
    };
    const isNeutral = (i: number): boolean => (lineWordCounts[i] as number) <= MAX_HEADLINE_WORDS && kinds[i] !== LineKind.Prose && BYLINE_OR_DATE.test(trimmed[i] as string);
    for (let i = 1; i < n; i++) {
      // The headline repeated starts the article: a run ends there. A list under "See also",
      // "References" or "Sources" is part of the text.
      if (repeatsTitle(i) || references[i]) {
        close(i);
        continue;
      }
      const member = kinds[i] === LineKind.LinkLike || isHeadline(i) || (removals.has(i) && kinds[i] !== LineKind.Prose);
      if (member) {
        if (start < 0) start = i;
        counted++;
      } else if (!(start >= 0 && isNeutral(i))) {
        close(i);
      }
    }
    close(n);
  }

  // The text of the page: the stretch of lines where running text outweighs the short and
  // removed lines most (a maximum-sum segment: prose counts its words, every menu, widget or
  // headline line costs web.page_edges words). Comments under an article join it when they carry
  // more text than the widgets between them; a teaser list or sign-up form after it does not.
  const penalty = edges ?? 0;
  let first = -1;
  let last = -1;
  {
    let best = 0;
    let sum = 0;
    let start = 1;
    for (let i = 1; i < n; i++) {
      let score = 0;
      if (kinds[i] === LineKind.Prose && !removals.has(i)) score = lineWordCounts[i] as number;
      else if (removals.has(i) || kinds[i] === LineKind.LinkLike || isHeadline(i)) score = -penalty;
      else if (STRONG_CODE.test(trimmed[i] as string)) score = 1;
      if (sum <= 0) {
        sum = 0;
        start = i;
      }
      sum += score;
      if (sum > best) {
        best = sum;
        first = start;
        last = i;
      }
    }
    while (first >= 0 && first <= last && !(kinds[first] === LineKind.Prose && !removals.has(first))) first++;
  }

  /** Whether a prose line follows within two lines, skipping removed ones. */
  const proseFollows = (i: number): boolean => {
    for (let j = i + 1, seen = 0; j < n && seen < 2; j++) {
      if (removals.has(j)) continue;
      if (kinds[j] === LineKind.Prose) return true;
      seen++;
    }
    return false;
  };
  /** A line that introduces what follows ("Here are a few examples:"). */
  const isLeadIn = (i: number): boolean => (lineWordCounts[i] as number) >= 4 && (trimmed[i] as string).endsWith(':');
  if (edges !== undefined && first > 0) {
    // Between the headline repeated above the text and the text: its dek, byline, date and
    // caption, which stay. Without a repeated headline, only the few lines above the text can be.
    let headline = -1;
    for (let i = first - 1; i >= 1 && headline < 0; i--) if (repeatsTitle(i)) headline = i;
    for (let i = 1; i < (headline > 0 ? headline : first); i++) {
      const line = trimmed[i] as string;
      if (line === '' || SENTENCE_END.test(line) || code[i] || isLeadIn(i)) continue;
      if (headline < 0 && i >= first - BYLINE_ZONE && (BYLINE_OR_DATE.test(line) || NAME_LINE.test(line) || CAPTION.test(line))) continue;
      remove(i, 'web.page_edges', 'web: page header above the text');
    }
    for (let i = last + 1; i < n; i++) {
      const line = trimmed[i] as string;
      if (line === '' || SENTENCE_END.test(line) || code[i] || CAPTION.test(line) || isLeadIn(i)) continue;
      // The date or byline of a comment or post below the article stays with it.
      if (BYLINE_OR_DATE.test(line) && proseFollows(i)) continue;
      remove(i, 'web.page_edges', 'web: page footer below the text');
    }
  }

  if (repeated) {
    const seen = new Map<string, number>();
    for (let i = 1; i < n; i++) {
      if (kinds[i] !== LineKind.LinkLike) continue;
      const key = (trimmed[i] as string).toLowerCase();
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    for (let i = 1; i < n; i++) {
      if (kinds[i] !== LineKind.LinkLike || CAPTION.test(trimmed[i] as string) || (trimmed[i] as string).endsWith(':')) continue;
      // A heading that a table of contents repeats stays where text follows it.
      if (i + 1 < n && kinds[i + 1] === LineKind.Prose && !removals.has(i + 1)) continue;
      if ((seen.get((trimmed[i] as string).toLowerCase()) ?? 0) >= 2) remove(i, 'web.repeated', 'web: short line repeated on the page');
    }
  }

  if (related) {
    for (let i = 1; i < n; i++) {
      const heading = trimmed[i] as string;
      if ((lineWordCounts[i] as number) > 6 || !RELATED_HEADER.test(heading)) continue;
      remove(i, 'web.related', `web: "${heading.replace(/\s*:$/, '')}" block`);
      for (let j = i + 1; j < n; j++) {
        const line = trimmed[j] as string;
        const words = lineWordCounts[j] as number;
        if (words === 0 || words > 15 || SENTENCE_END.test(line) || code[j] || repeatsTitle(j)) break;
        remove(j, 'web.related', `web: "${heading.replace(/\s*:$/, '')}" block`);
      }
    }
  }

  return { removals: [...removals.values()].sort((a, b) => a.line - b.line), kinds };
}
