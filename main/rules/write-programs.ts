/**
 * The rule programmer's core: one pure function from a document to its doc-stage and
 * chunk-stage programs, with the reason of every operation.
 *
 * How datatrove's filter chain maps onto the two ProX stages:
 * - Rule groups run in FineWeb order (Gopher repetition, Gopher quality, C4, FineWeb quality),
 *   then the ProX line set. Each group sees the text the reference would hand it: C4 passes on
 *   its kept lines, so FineWeb quality judges the C4-cleaned text, as in the FineWeb recipe.
 * - The first document-level failure becomes the doc program `drop_doc()`, its reason the
 *   note; otherwise `keep_doc()`.
 * - Lines rejected by C4's line rules or by the ProX line set become `remove_lines` ranges of
 *   the chunk program (adjacent lines merged into one call), C4's citation markers and inline
 *   URLs become `normalize` calls; with nothing to do the chunk program is `keep_chunk()`.
 * The chunk program is written even for a document the doc stage drops, so the review can
 * show what the line rules would have done.
 */
import type { NoteRule, OperationNote } from '../prox/program';
import { type RuleConfig } from './config';
import { runC4 } from './c4';
import { DocumentView } from './document-view';
import { checkFineWebQuality } from './fineweb-quality';
import { checkGopherQuality } from './gopher-quality';
import { checkGopherRepetition } from './gopher-repetition';
import { normalizeCall, removeLinesCall } from './program-text';
import { runProxLines } from './prox-lines';
import { runWebLines } from './web-lines';
import { checkWebQuality } from './web-quality';
import { splitIntoWords } from './tokenize';
import type { DocFailure, LineRemoval, Normalization } from './verdict';

export interface WrittenProgram {
  readonly program: string;
  readonly notes: readonly OperationNote[];
}

export interface RulePrograms {
  readonly doc: WrittenProgram;
  readonly chunk: WrittenProgram;
}

/** Everything the rules concluded about one document, before it is spelled as programs. */
export interface RuleVerdict {
  readonly failure?: DocFailure;
  /** Sorted by line, one entry per removed line (the first rule that removed it). */
  readonly removals: readonly LineRemoval[];
  readonly normalizations: readonly Normalization[];
}

export function evaluateRules(text: string, config: RuleConfig): RuleVerdict {
  const view = new DocumentView(text);
  let current = text;
  let currentWordCount: (() => number) | undefined;
  let failure: DocFailure | undefined;
  const removals = new Map<number, LineRemoval>();
  const normalizations: Normalization[] = [];
  const wordsOf = (): string[] => (current === text ? view.tokens.tokens : splitIntoWords(current));

  if (text.trim() === '' && config.filters.some((f) => f !== 'prox' && f !== 'web')) {
    failure = { rule: 'gopher.min_doc_words', reason: 'rules: empty document' };
  }
  for (const filter of config.filters) {
    if (filter === 'gopher_rep') {
      if (failure === undefined) failure = checkGopherRepetition(current, wordsOf(), config);
    } else if (filter === 'gopher') {
      if (failure === undefined) failure = checkGopherQuality(current, wordsOf(), config);
    } else if (filter === 'c4') {
      const result = runC4(view, config);
      if (failure === undefined) failure = result.failure;
      for (const removal of result.removals) if (!removals.has(removal.line)) removals.set(removal.line, removal);
      normalizations.push(...result.normalizations);
      current = result.keptText;
      currentWordCount = () => result.keptWordCount;
    } else if (filter === 'fineweb') {
      if (failure === undefined) failure = checkFineWebQuality(current, currentWordCount ?? (() => wordsOf().length), config);
    } else if (filter === 'prox') {
      const result = runProxLines(view, config);
      for (const removal of result.removals) if (!removals.has(removal.line)) removals.set(removal.line, removal);
      normalizations.push(...result.normalizations);
    } else {
      const result = runWebLines(view, config);
      for (const removal of result.removals) if (!removals.has(removal.line)) removals.set(removal.line, removal);
      // The page is judged on what every line rule so far left of it.
      if (failure === undefined) failure = checkWebQuality(view, result.kinds, removals, config);
    }
  }
  const sorted = [...removals.values()].sort((a, b) => a.line - b.line);
  return failure === undefined ? { removals: sorted, normalizations } : { failure, removals: sorted, normalizations };
}

/** The rule of each run of consecutive lines a merged range removes, in order. */
function rangeRules(range: readonly LineRemoval[]): NoteRule[] {
  const rules: NoteRule[] = [];
  let i = 0;
  while (i < range.length) {
    const first = range[i] as LineRemoval;
    let end = first.line;
    for (i++; i < range.length && (range[i] as LineRemoval).rule === first.rule && (range[i] as LineRemoval).line === end + 1; i++) end++;
    rules.push({ rule: first.rule, start: first.line, end });
  }
  return rules;
}

function rangeReason(range: readonly LineRemoval[]): string {
  const first = range[0];
  if (first === undefined) return '';
  if (range.every((r) => r.reason === first.reason)) return first.reason;
  const parts: string[] = [];
  let runStart = first;
  let previous = first;
  for (const removal of [...range.slice(1), undefined]) {
    if (removal !== undefined && removal.reason === runStart.reason) {
      previous = removal;
      continue;
    }
    const where = runStart.line === previous.line ? `line ${runStart.line}` : `lines ${runStart.line}-${previous.line}`;
    parts.push(`${where}: ${runStart.reason}`);
    if (removal !== undefined) runStart = previous = removal;
  }
  return parts.join('; ');
}

/** Spells a verdict as the two programs. */
export function spellPrograms(verdict: RuleVerdict): RulePrograms {
  const doc: WrittenProgram = verdict.failure
    ? { program: 'drop_doc()', notes: [{ line: 0, reason: verdict.failure.reason, rules: [{ rule: verdict.failure.rule }] }] }
    : { program: 'keep_doc()', notes: [] };

  const calls: string[] = [];
  const notes: OperationNote[] = [];
  let range: LineRemoval[] = [];
  const flush = (): void => {
    const first = range[0];
    const last = range[range.length - 1];
    if (first === undefined || last === undefined) return;
    notes.push({ line: calls.length, reason: rangeReason(range), rules: rangeRules(range) });
    calls.push(removeLinesCall(first.line, last.line));
    range = [];
  };
  for (const removal of verdict.removals) {
    const last = range[range.length - 1];
    if (last !== undefined && removal.line !== last.line + 1) flush();
    range.push(removal);
  }
  flush();
  const seen = new Set<string>();
  for (const normalization of verdict.normalizations) {
    if (seen.has(normalization.source)) continue;
    seen.add(normalization.source);
    notes.push({ line: calls.length, reason: normalization.reason, rules: [{ rule: normalization.rule }] });
    calls.push(normalizeCall(normalization.source, normalization.target));
  }
  const chunk: WrittenProgram = calls.length === 0 ? { program: 'keep_chunk()', notes: [] } : { program: calls.join('\n'), notes };
  return { doc, chunk };
}

/** Pure: the doc and chunk programs the rules write for `text`. */
export function writeRulePrograms(text: string, config: RuleConfig): RulePrograms {
  return spellPrograms(evaluateRules(text, config));
}
