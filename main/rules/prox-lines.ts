/**
 * The ProX-flavoured line set (preset `prox-lines`): what the ProX chunk models learned to
 * remove from raw page text, as general, conservative heuristics.
 *
 * A page is read as header, body and footer. The body runs from the first to the last
 * "content line" (a sentence-like line of real text, see isContentLine). Then:
 * - prox.header_nav: menu-like lines between the title (line 0, always kept) and the body go;
 *   when the title is repeated above the body, that repeat and everything after it stay
 *   (bylines, dates, deks), and before it any line without a sentence ending goes.
 * - prox.footer: after the body, menu-like lines and boilerplate phrases (copyright, contact,
 *   share, subscribe, login ...) go.
 * - prox.link_lines: anywhere, a line that is only a URL, only a widget/button label
 *   ("Share", "Reply", "View Images", "Top", "#3"), a short boilerplate phrase line, or part of
 *   a long run of menu-like lines goes.
 * - prox.inline_urls: a bare URL inside a line of text is normalized away.
 * Never removed: line 0, headings inside the body (short lines between content), any line
 * that ends like a sentence and has enough words.
 */
import { isOn, threshold, type RuleConfig } from './config';
import { isReferenceSafeNormalizeSource } from './program-text';
import type { DocumentView } from './document-view';
import type { LineRemoval, Normalization } from './verdict';

export interface ProxLinesResult {
  readonly removals: readonly LineRemoval[];
  readonly normalizations: readonly Normalization[];
}

const SENTENCE_END = /[.!?:;"'”’)]$/;
const URL_ONLY = /^(?:<?(?:https?:\/\/|www\.)\S+>?|[^\s@]+\.(?:com|org|net|edu|gov|io)(?:\/\S*)?)$/i;
const INLINE_URL = /\bhttps?:\/\/[^\s<>"'\])]+/gi;
const WIDGET_LABEL =
  /^(?:[#•|·›»>\-–—]?\s*)?(?:share(?: this(?: article| story| post)?)?|tweet|pin(?: it)?|email|e-mail|print(?: view)?|save(?: article)?|copy link|reply(?:delete)?|quote|like|top|back to top|post(?: reply)?|permalink|report|comment|view images|view image|enlarge(?: image)?|close|menu|search|skip to (?:main )?content|home|more|read more|load more|show more|see more|next|previous|prev|older posts|newer posts|advertisement|ad|sponsored|loading\.*|log ?in|sign ?in|sign ?up|register|subscribe|follow(?: us)?|accept|accept all|allow all|reject all|decline|ok|got it|expand|collapse|toggle navigation|learn more|view all|see all|show all|followers|following|more sharing options\.*|go to topic listing|submitting\.*|\(?edited\)?|add a comment|leave a comment|post a comment|load comments|advertise(?: with us)?|#?\d{1,4}|\d+(?:\.\d+)?k|[-|•·–—]+)$/i;
const BOILERPLATE =
  /©|&copy|\bcopyright\b|all rights reserved|\bprivacy\b|terms (?:of|and) (?:use|service|conditions)|\bcookies?\b|\bnewsletter\b|\bsubscribe\b|\bsign (?:up|in)\b|\blog ?in\b|\bfollow us\b|\bcontact us\b|\bshare (?:this|on)\b|\brelated (?:posts|articles|stories|content)\b|\bmost (?:popular|read|viewed)\b|\bskip to\b|\bpowered by\b|\bsitemap\b|registered trademark|data protection|by submitting|you agree to|all quotes delayed|advertise with us/i;
const BYLINE_OR_DATE =
  /^(?:by\b|posted\b|published\b|updated\b)|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}\b|\b\d{4}-\d{2}-\d{2}\b|\b(?:19|20)\d{2}\b/i;
/** Code, markup and formulas: never menu-like, whatever their length. */
const CODE_LIKE = /[{}();=<>[\]$\\]|^\s*(?:\/\/|#|\*)|[;,]\s*$/;
/** Image captions and credits stay even when they carry a copyright sign. */
const CAPTION = /^\(?\s*(?:image|photo|picture|photograph|credit|source|illustration)s?\b/i;
/** A person's name as a byline under a title: two or three capitalised words. */
const NAME_LINE = /^(?:by\s+)?\p{Lu}[\p{L}'’.-]+(?:\s+\p{Lu}[\p{L}'’.-]+){1,2}$/u;
/** The heading of a related-content block inserted in or after an article. */
const RELATED_HEADER = /^(?:related(?: (?:posts|articles|stories|content|coverage|links|topics|questions))?|recommended(?: (?:stories|reading|for you))?|read (?:more|next)|more (?:from|stories|news|on)\b.*|most (?:popular|read|viewed|shared)|trending(?: now)?|you (?:may|might) also like|popular (?:posts|stories)|latest (?:news|posts|stories)|recent (?:posts|comments)|further reading)\s*:?$/i;
/** A label line that heads tags or widgets; only the label itself goes. */
const LABEL_LINE = /^(?:tags?|filed under|categories|category|topics|share this(?: article| story| post)?|recommended posts)\s*:?$/i;
/** A run of at least this many menu-like lines in a row is a menu or link list, not text. */
const MENU_RUN = 8;

function wordCount(line: string): number {
  const trimmed = line.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

function normalizeTitle(line: string): string {
  return line.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** A line of real running text: enough words, a sentence ending or many words, no boilerplate. */
function isContentLine(line: string, words: number, boilerplate: () => boolean): boolean {
  if (words < 8) return false;
  if (words < 25 && boilerplate()) return false;
  return SENTENCE_END.test(line.trim()) || words >= 15;
}

function isMenuLike(line: string, words: number, maxWords: number): boolean {
  if (words === 0 || words > maxWords) return false;
  const trimmed = line.trim();
  if (CODE_LIKE.test(trimmed) || !/\p{L}/u.test(trimmed)) return false;
  if (/[.!?]$/.test(trimmed) && words > 2) return false;
  return !BYLINE_OR_DATE.test(trimmed);
}

function isWidgetLine(line: string, words: number): boolean {
  if (words === 0 || words > 4) return false;
  const trimmed = line.trim();
  return (words === 1 && URL_ONLY.test(trimmed)) || WIDGET_LABEL.test(trimmed);
}

function isBoilerplateLine(line: string, words: number, boilerplate: () => boolean): boolean {
  return words > 0 && words <= 12 && boilerplate() && !CAPTION.test(line.trim()) && !/[.!?]["'”’]?$/.test(line.trim());
}

export function runProxLines(view: DocumentView, config: RuleConfig): ProxLinesResult {
  const { lines, lineWordCounts } = view;
  // BOILERPLATE is the costliest test and several rules ask it of the same line: ask once.
  const boilerplate = new Int8Array(lines.length);
  const isBoilerplate = (i: number): boolean => {
    if (boilerplate[i] === 0) boilerplate[i] = BOILERPLATE.test(lines[i] as string) ? 1 : -1;
    return boilerplate[i] === 1;
  };
  const headerNav = isOn(config, 'prox.header_nav');
  const linkLines = isOn(config, 'prox.link_lines');
  const footer = isOn(config, 'prox.footer');
  const inlineUrls = isOn(config, 'prox.inline_urls');
  const maxWords = threshold(config, 'prox.max_menu_line_words') ?? 4;
  const removals = new Map<number, LineRemoval>();
  const title = normalizeTitle(lines[0] ?? '');
  const titleLength = (lines[0] ?? '').length;
  // The title never goes, nor a line repeating it (annotators keep repeated titles).
  const remove = (line: number, rule: LineRemoval['rule'], reason: string): void => {
    if (line <= 0 || removals.has(line)) return;
    const raw = lines[line] ?? '';
    // Only a line about as long as the title can repeat it; the length test spares the rest.
    if (title !== '' && raw.length <= titleLength * 2 + 8) {
      const text = normalizeTitle(raw);
      if (text === title || (wordCount(text) >= 3 && title.includes(text))) return;
    }
    removals.set(line, { line, rule, reason });
  };

  let first = -1;
  let last = -1;
  for (let i = 1; i < lines.length; i++) {
    if (isContentLine(lines[i] as string, lineWordCounts[i] as number, () => isBoilerplate(i))) {
      if (first < 0) first = i;
      last = i;
    }
  }

  if (linkLines) {
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const words = lineWordCounts[i] as number;
      if (isWidgetLine(line, words)) remove(i, 'prox.link_lines', 'prox: URL or widget label only');
      else if (isBoilerplateLine(line, words, () => isBoilerplate(i))) remove(i, 'prox.link_lines', 'prox: boilerplate phrase');
    }
    let runStart = -1;
    for (let i = 1; i <= lines.length; i++) {
      const menu = i < lines.length && isMenuLike(lines[i] as string, lineWordCounts[i] as number, maxWords);
      if (menu && runStart < 0) runStart = i;
      if (!menu && runStart >= 0) {
        if (i - runStart >= MENU_RUN) for (let j = runStart; j < i; j++) remove(j, 'prox.link_lines', `prox: run of ${i - runStart} menu-like lines`);
        runStart = -1;
      }
    }
  }

  if (linkLines) {
    // A related/recommended block: its heading and the short non-sentence lines under it.
    for (let i = 1; i < lines.length; i++) {
      const heading = (lines[i] as string).trim();
      if ((lineWordCounts[i] as number) > 6) continue;
      if (LABEL_LINE.test(heading)) remove(i, 'prox.link_lines', 'prox: widget label');
      if (!RELATED_HEADER.test(heading)) continue;
      remove(i, 'prox.link_lines', `prox: "${heading}" block`);
      for (let j = i + 1; j < lines.length; j++) {
        const line = (lines[j] as string).trim();
        const words = lineWordCounts[j] as number;
        if (words === 0 || words > 15 || /[.!?]["'”’]?$/.test(line) || CODE_LIKE.test(line) || BYLINE_OR_DATE.test(line)) break;
        if (title !== '' && normalizeTitle(line) === title) break;
        remove(j, 'prox.link_lines', `prox: "${heading}" block`);
      }
    }
  }

  if (headerNav && first > 1) {
    let repeat = -1;
    for (let i = 1; i < first; i++) {
      const candidate = normalizeTitle(lines[i] ?? '');
      if (candidate !== '' && wordCount(candidate) >= 2 && (candidate === title || title.includes(candidate))) {
        repeat = i;
        break;
      }
    }
    if (repeat > 0) {
      for (let i = 1; i < repeat; i++) {
        const line = (lines[i] ?? '').trim();
        if (line !== '' && (lineWordCounts[i] as number) <= 12 && !/[.!?]["'”’]?$/.test(line) && !BYLINE_OR_DATE.test(line)) {
          remove(i, 'prox.header_nav', 'prox: navigation before the title');
        }
      }
    } else {
      for (let i = 1; i < first; i++) {
        const line = lines[i] as string;
        // The two lines right above the text are often its byline: a name stays.
        if (i >= first - 2 && NAME_LINE.test(line.trim())) continue;
        if (isMenuLike(line, lineWordCounts[i] as number, maxWords)) remove(i, 'prox.header_nav', 'prox: navigation before the text');
      }
    }
  }

  if (footer && last >= 0) {
    for (let i = last + 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const words = lineWordCounts[i] as number;
      const trimmed = line.trim();
      if (isMenuLike(line, words, maxWords)) remove(i, 'prox.footer', 'prox: footer menu');
      else if (words <= 12 && !/[.!?]["'”’]?$/.test(trimmed) && !CODE_LIKE.test(trimmed) && !CAPTION.test(trimmed) && !BYLINE_OR_DATE.test(trimmed)) {
        remove(i, 'prox.footer', 'prox: footer link or heading');
      }
      else if (words <= 40 && isBoilerplate(i) && !CAPTION.test(line.trim())) remove(i, 'prox.footer', 'prox: footer boilerplate');
    }
  }

  const normalizations: Normalization[] = [];
  if (inlineUrls) {
    const seen = new Set<string>();
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (removals.has(i) || !line.includes('://')) continue;
      for (const match of line.match(INLINE_URL) ?? []) {
        const url = match.replace(/[.,;:!?]+$/, '');
        if (wordCount(line.replace(url, '')) < 3 || seen.has(url) || !isReferenceSafeNormalizeSource(url)) continue;
        seen.add(url);
        normalizations.push({ source: url, target: '', rule: 'prox.inline_urls', reason: 'prox: URL inside text' });
      }
    }
  }
  return { removals: [...removals.values()].sort((a, b) => a.line - b.line), normalizations };
}
