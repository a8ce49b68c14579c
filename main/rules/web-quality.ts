/**
 * The `web` page judgement: a page is worth keeping when the text the line rules leave holds
 * enough running text. Raw pages carry menus, footers and link lists that fail rules made for
 * extracted text (FineWeb's short-line and punctuation ratios, Gopher's word-length and
 * ellipsis rules); judged after cleaning, a page is measured by its article, not its template.
 */
import { threshold, type RuleConfig } from './config';
import type { DocumentView } from './document-view';
import { compareReason, type DocFailure, type LineRemoval } from './verdict';
import { LineKind } from './web-page';

/** Words in the prose lines (LineKind.Prose) that no rule removed. */
export function keptProseWords(view: DocumentView, kinds: Uint8Array, removed: ReadonlyMap<number, LineRemoval>): number {
  const counts = view.lineWordCounts;
  let words = 0;
  for (let i = 0; i < kinds.length; i++) if (kinds[i] === LineKind.Prose && !removed.has(i)) words += counts[i] as number;
  return words;
}

export function checkWebQuality(view: DocumentView, kinds: Uint8Array, removed: ReadonlyMap<number, LineRemoval>, config: RuleConfig): DocFailure | undefined {
  const minProse = threshold(config, 'web.min_prose_words');
  if (minProse === undefined) return undefined;
  const words = keptProseWords(view, kinds, removed);
  if (words < minProse) return { rule: 'web.min_prose_words', reason: compareReason('web', 'words of running text after cleaning', words, '<', minProse) };
  return undefined;
}
