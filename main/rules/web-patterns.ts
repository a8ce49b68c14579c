/**
 * What lines of raw web-page text look like, as the `web` rules read them: patterns and the
 * sizes that separate running text from menus, buttons and headlines. General web conventions
 * (English), not phrases of particular sites.
 */

/**
 * The last character of a line before its closing quotes and brackets (" ' ” ’ ) ]), or '' when
 * there is none: what `/[.!?]["'”’)\]]*$/` asks, read from the end of the line instead of
 * scanned from its start (it is asked of every line of a page, and prose lines are long).
 */
export function lastBeforeClosers(line: string): string {
  let k = line.length - 1;
  while (k >= 0 && CLOSERS.has(line.charCodeAt(k))) k--;
  return k >= 0 ? (line[k] as string) : '';
}
const CLOSERS = new Set([...`"'”’)]`].map((ch) => ch.charCodeAt(0)));

/** A sentence ending (. ! ?), before closing quotes or brackets. */
export function endsSentence(line: string): boolean {
  const last = lastBeforeClosers(line);
  return last === '.' || last === '!' || last === '?';
}
/** A question mark, before closing quotes or brackets. */
export function endsQuestion(line: string): boolean {
  return lastBeforeClosers(line) === '?';
}
export const URL_ONLY = /^(?:<?(?:https?:\/\/|www\.)\S+>?|[^\s@]+\.(?:com|org|net|edu|gov|io|co\.uk)(?:\/\S*)?)$/i;
/** Whole-line labels of buttons and widgets (share, reply, log in, read more ...) and bare counts. */
export const WIDGET_LABEL =
  /^(?:[#•|·›»>\-–—]?\s*)?(?:share(?: this(?: article| story| post| page)?)?|tweet|pin(?: it)?|email|e-mail|print(?: view| this)?|save(?: article)?|copy(?: link)?|copied|reply(?:delete)?|quote|like|top|back to top|post(?: reply)?|permalink|report|comment|comments|view images?|enlarge(?: image)?|close|menu|search|skip to (?:main )?content|home|more|read more|load more|show more|see more|next|previous|prev|older posts|newer posts|advertisement|ad|sponsored|loading\.*|log ?in|sign ?in|sign ?up|register|subscribe|follow(?: us)?|accept|accept all|allow all|reject all|decline|ok|got it|expand|collapse|toggle navigation|learn more|view all|see all|show all|followers|following|more sharing options\.*|add a comment|leave a comment|post a comment|load comments|advertise(?: with us)?|#?\d{1,5}|\d+(?:\.\d+)?k|[-|•·–—/]+)$/i;
/** A label that heads tags or share buttons; only the label itself goes. */
export const LABEL_LINE = /^(?:tags?|filed under|categories|category|topics|share this(?: article| story| post)?|share on|follow us on)\s*:?$/i;
/** A comment signature: a dash, then a name. */
export const SIGNATURE = /^[–—]\s*\p{L}[\p{L}\p{N}._'’ -]{0,40}$/u;
/** When a post was asked, answered or edited (Q&A sites). */
export const POST_META = /^(?:asked|answered|edited|modified|viewed|active)\b(?:\s+\S+){0,7}$/i;
/**
 * Phrases that only boilerplate carries: consent, copyright, legal links, account prompts. The
 * word-start phrases are grouped by first letter, which makes the search about a quarter
 * faster than a flat list (it runs on nearly every line of a page).
 */
export const BOILERPLATE =
  /©|&copy\b|\b(?:c(?:opyright\b|ookies?\b|ontact us\b)|p(?:rivacy (?:policy|notice|settings|statement)\b|owered by\b)|newsletter\b|s(?:ubscribe\b|ign (?:up|in)\b|hare (?:this|on)\b|kip to\b|itemap\b)|log ?in\b|follow us\b)|all rights reserved|terms (?:of|and) (?:use|service|conditions)|registered trademark|by submitting|you agree to|advertise with us/i;
/** A date, or a byline or posting line. */
export const BYLINE_OR_DATE =
  /^(?:by\b|posted\b|published\b|updated\b)|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}\b|\b\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/i;
/**
 * Code, markup and formulas: never menu-like, whatever their length. Brackets alone are not
 * code ("Archives (12)", "Global (English, daily)"); a call or an index is (`f(x)`, `a[i]`).
 */
export const CODE_LIKE = /[{};=<>$\\]|\w\(|\w\[|^\s*(?:\/\/|#\S|\*\s|\[)|[;,]\s*$/;
/** Code, markup or math that marks the text of a page as much as prose does. */
export const STRONG_CODE = /[{}\\=;$]|<\/?[a-z][^>]*>|\[\/?(?:math|latex|tex|code)\]/i;
/** Image captions and credits stay even when they carry a copyright sign. */
export const CAPTION = /^\(?\s*(?:image|photo|picture|photograph|credit|source|illustration|figure|fig\.)s?\b/i;
/** A person's name as a byline: two or three capitalised words. */
export const NAME_LINE = /^(?:by\s+)?\p{Lu}[\p{L}'’.-]+(?:\s+\p{Lu}[\p{L}'’.-]+){1,2}$/u;
/** A list item: it belongs to the text around it, not to a menu. */
export const BULLET = /^(?:[-•*–]|\d{1,2}[.)])\s/;
/** The heading of a related-content block inserted in or after an article. */
export const RELATED_HEADER =
  /^(?:related(?: (?:posts|articles|stories|content|coverage|links|topics|questions|reading))?|recommended(?: (?:stories|reading|articles|for you))?|read (?:more|next|also)|more (?:from|stories|news|on|in)\b.*|most (?:popular|read|viewed|shared|commented)|trending(?: now| stories)?|you (?:may|might) also (?:like|enjoy)|popular (?:posts|stories|articles)|latest (?:news|posts|stories|articles)|recent (?:posts|comments|articles)|top stories|editor'?s picks|hot network questions|linked)\s*:?$/i;
/** The heading of a list that belongs to the text: its see-also links, references, sources. */
export const REFERENCE_HEADING = /^(?:see also|references|sources?|notes|bibliography|further reading|works cited|citations)\s*:?$/i;
/** A reference-list entry: a year, a quotation, a URL or a closing period. */
export const CITATION_LIKE = /\b(?:1[5-9]|20)\d{2}\b|["“”]|https?:\/\/|\.$/;
export const HAS_LETTER = /\p{L}/u;
export const FIRST_WORD = /[\p{L}\p{N}]+/u;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

/** At least this many words (and a sentence ending) make a line prose. */
export const PROSE_WORDS = 8;
/** This many words make a line prose even without a sentence ending (hard-wrapped text). */
export const LONG_PROSE_WORDS = 20;
/** The most words a headline in a list of teasers has. */
export const MAX_HEADLINE_WORDS = 15;
/** A boilerplate line this long is text about the subject, not a banner. */
export const MAX_BOILERPLATE_WORDS = 40;
/** How many lines above the first prose line can be its byline, date, dek or caption. */
export const BYLINE_ZONE = 4;
/** The most entries of a "See also" list of short names. */
export const MAX_SEE_ALSO = 12;

/** Lower case, letters and digits only, single spaces: for comparing a line with the title. */
export function normalizeTitle(line: string): string {
  return line.toLowerCase().replace(NOT_WORD, ' ').trim();
}
