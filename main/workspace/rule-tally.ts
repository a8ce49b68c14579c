/**
 * What each rule took from the corpus, with the toggles in force: the pages it dropped, the
 * pages it changed and the lines it removed. Programs written by the rule programmer say in
 * their notes which rule removed which lines (OperationNote.rules); notes written before
 * that, or by hand, only have a reason, and count under the reason with its numbers masked.
 */
import type { OperationKind, RuleStats } from '../../contract/api';
import type { OperationNote } from '../prox/program';
import type { ProgramSlot } from '../prox/programmer';
import { RULES, type RuleKey } from '../rules/config';

/** An operation that took part in a document's result (enabled, and its stage ran). */
export interface AppliedOperation {
  readonly stage: ProgramSlot;
  readonly line: number;
  readonly kind: OperationKind;
  readonly linesRemoved: number;
  readonly replacements: number;
}

/**
 * The rules named in a reason, with what was measured and line ranges stripped so one rule
 * counts under one name; the threshold stays, as it says what the rule demands
 * ("gopher: words 12 < 50" -> "gopher: words < 50"). Other numbers are masked ("top 2-gram" ->
 * "top #-gram"). A reason that merges several line runs ("c4: ...; lines 5-7: c4: ...") names
 * each rule once.
 */
export function ruleKeysOf(reason: string): string[] {
  const keys = reason.split('; ').map((part) =>
    part
      .replace(/^lines? [\d, -]+: /, '')
      .replace(/ -?\d+(\.\d+)?%? ([<>]=?) /g, ' $2 ')
      .replace(/([<>]=? )?(?<![\w.])\d+(\.\d+)?%?/g, (number: string, comparison: string | undefined) => (comparison ? number : '#'))
      .trim(),
  );
  return [...new Set(keys.filter((k) => k.length > 0))];
}

const RUN_PREFIX = /^lines? (\d+)(?:-(\d+))?: /;

function describe(rule: string): string | null {
  return Object.hasOwn(RULES, rule) ? RULES[rule as RuleKey].description : null;
}

/** Adds one document's applied operations to `tally` (keyed by rule). */
export function tallyRules(
  tally: Record<string, RuleStats>,
  applied: Iterable<AppliedOperation>,
  notes: Readonly<Partial<Record<ProgramSlot, ReadonlyMap<number, OperationNote>>>>,
  removedBy: readonly (number | null)[],
): void {
  const touched = new Set<string>();
  const entry = (rule: string): RuleStats => (tally[rule] ??= { pages: 0, dropped: 0, lines: 0, description: describe(rule) });
  for (const op of applied) {
    // A rule counts where it took something: the page, lines or text.
    const took = op.kind === 'drop_doc' || (op.kind === 'remove_lines' && op.linesRemoved > 0) || (op.kind === 'normalize' && op.replacements > 0);
    const note = took ? notes[op.stage]?.get(op.line) : undefined;
    if (note === undefined) continue;
    if (note.rules !== undefined && note.rules.length > 0) {
      for (const { rule, start, end } of note.rules) {
        const stats = entry(rule);
        touched.add(rule);
        if (op.kind === 'drop_doc') stats.dropped += 1;
        else if (op.kind === 'remove_lines' && start !== undefined && end !== undefined) {
          // The lines of its span this operation removed (another operation may have come first).
          for (let i = Math.max(0, start); i <= end && i < removedBy.length; i++) if (removedBy[i] === op.line) stats.lines += 1;
        }
      }
    } else if (note.reason !== undefined) {
      // A merged reason names its runs ("lines 3-5: c4: ...; line 9: prox: ..."); one without
      // runs speaks for every line of the operation.
      for (const part of note.reason.split('; ')) {
        const run = RUN_PREFIX.exec(part);
        for (const key of ruleKeysOf(part)) {
          const stats = entry(key);
          touched.add(key);
          if (op.kind === 'drop_doc') stats.dropped += 1;
          else if (op.kind === 'remove_lines' && run === null) stats.lines += op.linesRemoved;
          else if (op.kind === 'remove_lines' && run !== null) {
            const start = Number(run[1]);
            const end = run[2] === undefined ? start : Number(run[2]);
            for (let i = start; i <= end && i < removedBy.length; i++) if (removedBy[i] === op.line) stats.lines += 1;
          }
        }
      }
    }
  }
  for (const rule of touched) entry(rule).pages += 1;
}
