/**
 * The `web` line rules: what to remove from the raw text of a whole web page (menus, header
 * and footer, widgets, link lists, consent and sign-up boilerplate), judging a line by what is
 * around it, not only by itself. A short line alone means little: a heading inside an article
 * looks like a menu item; ten of them in a row are a menu.
 *
 * - web.widgets: a line that is only a URL, a button or widget label, a count, a comment
 *   signature or Q&A post metadata;
 * - web.boilerplate: a line of cookie/consent, copyright, terms/privacy or sign-up/log-in text;
 * - web.menus: a run of link-like lines and headlines (a menu, a tag cloud, a teaser list);
 * - web.page_edges: above and below the text of the page (where running text outweighs short
 *   lines), what is not a sentence, except the headline repeated and the byline, date, dek or
 *   caption above the text, and the date of a comment below it;
 * - web.repeated: a link-like line that appears again on the page (duplicated menus, repeated
 *   buttons), unless text follows it (a heading a table of contents repeats);
 * - web.related: a "Related", "Most read", "Read next" ... heading and the teasers under it.
 * Never removed: line 0 (the title) and lines repeating it, lists under "See also",
 * "References" or "Sources", and sentences, except boilerplate ones.
 */
import { isOn, threshold, type RuleConfig } from './config';
import type { DocumentView } from './document-view';
import type { LineRemoval } from './verdict';
import { WebPage } from './web-page';
import {
  BYLINE_ZONE,
  CAPTION,
  LABEL_LINE,
  MAX_BOILERPLATE_WORDS,
  MAX_HEADLINE_WORDS,
  NAME_LINE,
  POST_META,
  RELATED_HEADER,
  SIGNATURE,
  STRONG_CODE,
  URL_ONLY,
  WIDGET_LABEL,
} from './web-patterns';

export interface WebLinesResult {
  readonly removals: readonly LineRemoval[];
  /** Per line, its kind (a LineKind value). */
  readonly kinds: Uint8Array;
}

export function runWebLines(view: DocumentView, config: RuleConfig): WebLinesResult {
  const page = new WebPage(view, threshold(config, 'web.max_link_words') ?? 4);
  removeWidgets(page, isOn(config, 'web.widgets'), isOn(config, 'web.boilerplate'));
  const minRun = threshold(config, 'web.menus');
  if (minRun !== undefined) removeMenus(page, minRun);
  const edgeCost = threshold(config, 'web.page_edges');
  if (edgeCost !== undefined) removePageEdges(page, edgeCost);
  if (isOn(config, 'web.repeated')) removeRepeated(page);
  if (isOn(config, 'web.related')) removeRelated(page);
  return { removals: [...page.removals.values()].sort((a, b) => a.line - b.line), kinds: page.kinds };
}

/** web.widgets and web.boilerplate: lines that are noise by themselves. */
function removeWidgets(page: WebPage, widgets: boolean, boilerplate: boolean): void {
  for (let i = 1; i < page.n; i++) {
    const words = page.words[i] as number;
    if (words === 0) continue;
    const line = page.lines[i] as string;
    if (widgets) {
      if (words === 1 && URL_ONLY.test(line)) page.remove(i, 'web.widgets', 'web: a URL alone');
      else if (words <= 4 && (WIDGET_LABEL.test(line) || LABEL_LINE.test(line))) page.remove(i, 'web.widgets', 'web: button or widget label');
      else if (words <= 4 && SIGNATURE.test(line)) page.remove(i, 'web.widgets', 'web: comment signature');
      else if (words <= 8 && POST_META.test(line)) page.remove(i, 'web.widgets', 'web: post metadata (asked, answered, edited)');
    }
    if (boilerplate && words <= MAX_BOILERPLATE_WORDS && page.isBoilerplate(i) && !CAPTION.test(line)) {
      page.remove(i, 'web.boilerplate', 'web: consent, legal, sign-up or copyright text');
    }
  }
}

/** A date, byline or caption inside a run: it neither counts nor ends the run. */
function isNeutral(page: WebPage, i: number): boolean {
  if ((page.words[i] as number) > MAX_HEADLINE_WORDS || page.isProse(i)) return false;
  const line = page.lines[i] as string;
  return page.isBylineOrDate(i) || CAPTION.test(line);
}

/**
 * web.menus: runs of at least `minRun` link-like lines and headlines (lines already removed as
 * widgets count too). A run that ends right above prose keeps its dates, bylines and captions,
 * and a name among its last lines: they belong to the text below. The headline repeated and a
 * reference list end a run.
 */
function removeMenus(page: WebPage, minRun: number): void {
  let start = -1;
  let counted = 0;
  const close = (end: number): void => {
    if (start >= 0 && counted >= minRun) {
      const keepBylines = end < page.n && page.isProse(end);
      const reason = `web: menu or link list (${counted} short lines in a row)`;
      for (let j = start; j < end; j++) {
        if (keepBylines && (isNeutral(page, j) || (j >= end - BYLINE_ZONE && NAME_LINE.test(page.lines[j] as string) && !page.removals.has(j)))) continue;
        page.remove(j, 'web.menus', reason);
      }
    }
    start = -1;
    counted = 0;
  };
  for (let i = 1; i < page.n; i++) {
    const neutral = isNeutral(page, i);
    const member = !neutral && (page.isLinkLike(i) || page.isHeadline(i) || (page.removals.has(i) && !page.isProse(i)));
    // Only a line that would join or pass through a run needs the (costlier) title test.
    if (!neutral && !member) {
      close(i);
      continue;
    }
    if (page.references[i] === 1 || page.repeatsTitle(i)) {
      close(i);
      continue;
    }
    if (neutral) {
      if (start < 0) close(i);
      continue;
    }
    if (start < 0) start = i;
    counted++;
  }
  close(page.n);
}

/**
 * The text of the page: the stretch of lines where running text outweighs short and removed
 * lines most, a maximum-sum segment where kept prose counts its words and every link-like,
 * headline or removed line costs `cost` words (code and formulas count one; a heading between
 * two paragraphs nothing). Comments under an
 * article join it when they carry more text than the widgets between them; a teaser list or a
 * sign-up form after it does not. Returns [first, last] (first is a kept prose line), or null.
 */
export function findText(page: WebPage, cost: number): readonly [number, number] | null {
  let best = 0;
  let sum = 0;
  let start = 1;
  let first = -1;
  let last = -1;
  for (let i = 1; i < page.n; i++) {
    let score = 0;
    if (page.isKeptProse(i)) score = page.words[i] as number;
    else if (page.removals.has(i)) score = -cost;
    // A heading between two paragraphs is part of the text.
    else if (page.isLinkLike(i) || page.isHeadline(i)) score = page.isKeptProse(i - 1) && page.isKeptProse(i + 1) ? 0 : -cost;
    else if (STRONG_CODE.test(page.lines[i] as string)) score = 1;
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
  while (first >= 0 && first <= last && !page.isKeptProse(first)) first++;
  return first >= 0 && first <= last ? [first, last] : null;
}

/**
 * web.page_edges: above the text, what is not a sentence, except what lies between the
 * headline repeated and the text (its dek, byline, date and caption) or, without a repeated
 * headline, bylines, dates and captions, and a name just above the text or after "By"; below
 * it, what is not a sentence, except captions and the byline or date of a comment with its text.
 */
function removePageEdges(page: WebPage, cost: number): void {
  const text = findText(page, cost);
  if (text === null) return;
  const [first, last] = text;
  let headline = -1;
  for (let i = first - 1; i >= 1 && headline < 0; i--) if (page.repeatsTitle(i)) headline = i;
  for (let i = 1; i < (headline > 0 ? headline : first); i++) {
    const line = page.lines[i] as string;
    if (line === '' || page.endsSentence(i) || page.isCode(i) || page.isLeadIn(i)) continue;
    if (headline < 0 && (page.isBylineOrDate(i) || CAPTION.test(line) || (NAME_LINE.test(line) && (i >= first - BYLINE_ZONE || /^by$/i.test(page.lines[i - 1] as string))))) continue;
    page.remove(i, 'web.page_edges', 'web: page header above the text');
  }
  for (let i = last + 1; i < page.n; i++) {
    const line = page.lines[i] as string;
    if (line === '' || page.endsSentence(i) || page.isCode(i) || page.isLeadIn(i) || CAPTION.test(line)) continue;
    if (page.isBylineOrDate(i) && page.proseFollows(i)) continue;
    page.remove(i, 'web.page_edges', 'web: page footer below the text');
  }
}

/** web.repeated: a link-like line that appears again on the page, unless text follows it. */
function removeRepeated(page: WebPage): void {
  const counts = new Map<string, number>();
  const keys: (string | undefined)[] = new Array<string | undefined>(page.n);
  for (let i = 1; i < page.n; i++) {
    if (!page.isLinkLike(i)) continue;
    const key = (page.lines[i] as string).toLowerCase();
    keys[i] = key;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (let i = 1; i < page.n; i++) {
    const key = keys[i];
    if (key === undefined || (counts.get(key) ?? 0) < 2) continue;
    const line = page.lines[i] as string;
    if (line.endsWith(':') || CAPTION.test(line) || (i + 1 < page.n && page.isKeptProse(i + 1))) continue;
    page.remove(i, 'web.repeated', 'web: short line repeated on the page');
  }
}

/** web.related: a related-content heading and the teaser lines under it, up to the next sentence. */
function removeRelated(page: WebPage): void {
  for (let i = 1; i < page.n; i++) {
    const heading = page.lines[i] as string;
    if ((page.words[i] as number) > 6 || !RELATED_HEADER.test(heading)) continue;
    const reason = `web: "${heading.replace(/\s*:$/, '')}" block`;
    page.remove(i, 'web.related', reason);
    for (let j = i + 1; j < page.n; j++) {
      const words = page.words[j] as number;
      if (words === 0 || words > MAX_HEADLINE_WORDS || page.endsSentence(j) || page.isCode(j) || page.repeatsTitle(j)) break;
      // A byline or date with text right under it starts a comment or post, not a teaser.
      if (page.isBylineOrDate(j) && page.proseFollows(j)) break;
      page.remove(j, 'web.related', reason);
    }
  }
}

