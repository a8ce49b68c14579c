/**
 * Compares the TypeScript rules with results produced by running datatrove's own filter code
 * (test/fixtures/rules/reference_filters.py) on the same documents, per rule group.
 */
import { combinePresets, type FilterId, type RuleConfig, type RuleKey } from '../../../main/rules/config';
import { evaluateRules } from '../../../main/rules/write-programs';

export interface ReferenceResult {
  readonly id: string;
  readonly gopher_rep: string;
  readonly gopher: string;
  readonly c4: string;
  readonly c4_terminal_off: string;
  readonly fineweb_on_c4: string;
  readonly c4_kept_lines: readonly number[];
  readonly c4_terminal_off_kept_lines: readonly number[];
}

/** datatrove's drop reasons, as the rule keys of main/rules/config.ts. */
export function referenceRuleKey(reason: string): RuleKey | 'keep' | undefined {
  if (reason === 'keep') return 'keep';
  const fixed: Record<string, RuleKey> = {
    dup_para_frac: 'gopher_rep.dup_para_frac',
    dup_para_char_frac: 'gopher_rep.dup_para_char_frac',
    dup_line_frac: 'gopher_rep.dup_line_frac',
    dup_line_char_frac: 'gopher_rep.dup_line_char_frac',
    gopher_short_doc: 'gopher.min_doc_words',
    gopher_long_doc: 'gopher.max_doc_words',
    gopher_below_avg_threshold: 'gopher.min_avg_word_length',
    gopher_above_avg_threshold: 'gopher.max_avg_word_length',
    gopher_too_many_hashes: 'gopher.max_symbol_word_ratio',
    gopher_too_many_ellipsis: 'gopher.max_symbol_word_ratio',
    gopher_too_many_bullets: 'gopher.max_bullet_lines_ratio',
    gopher_too_many_end_ellipsis: 'gopher.max_ellipsis_lines_ratio',
    gopher_below_alpha_threshold: 'gopher.min_alpha_words_ratio',
    gopher_enough_stop_words: 'gopher.min_stop_words',
    lorem_ipsum: 'c4.lorem_ipsum',
    curly_bracket: 'c4.curly_bracket',
    too_few_sentences: 'c4.min_sentences',
    empty: 'fineweb.min_line_punct_ratio',
    line_punct_ratio: 'fineweb.min_line_punct_ratio',
    short_line_ratio: 'fineweb.max_short_line_ratio',
    char_dup_ratio: 'fineweb.max_dup_line_char_ratio',
    list_ratio: 'fineweb.max_newline_word_ratio',
  };
  if (reason in fixed) return fixed[reason];
  const top = /^top_(\d+)_gram$/.exec(reason);
  if (top) return `gopher_rep.top_${top[1]}_gram` as RuleKey;
  const dup = /^duplicated_(\d+)_n_grams$/.exec(reason);
  if (dup) return `gopher_rep.dup_${dup[1]}_gram` as RuleKey;
  return undefined;
}

export interface GroupAgreement {
  readonly compared: number;
  readonly agreed: number;
  /** Per reference outcome (rule key or 'keep'): [agreed, compared]. */
  readonly byRule: Map<string, [number, number]>;
  readonly disagreements: string[];
}

function groupConfig(filters: readonly FilterId[], terminalPunct = true): RuleConfig {
  const base = combinePresets(['all']);
  return { filters, rules: { ...base.rules, 'c4.terminal_punct': terminalPunct } };
}

function outcome(text: string, config: RuleConfig): string {
  return evaluateRules(text, config).failure?.rule ?? 'keep';
}

export const GROUPS = ['gopher_rep', 'gopher', 'c4', 'c4_terminal_off', 'fineweb_on_c4'] as const;
export type Group = (typeof GROUPS)[number];

const CONFIGS: Record<Group, RuleConfig> = {
  gopher_rep: groupConfig(['gopher_rep']),
  gopher: groupConfig(['gopher']),
  c4: groupConfig(['c4']),
  c4_terminal_off: groupConfig(['c4'], false),
  fineweb_on_c4: groupConfig(['c4', 'fineweb'], false),
};

/** Doc-level agreement per group: the same keep, or the same first failing rule. */
export function compareDecisions(texts: ReadonlyMap<string, string>, expected: readonly ReferenceResult[]): Record<Group, GroupAgreement> {
  const result = {} as Record<Group, GroupAgreement>;
  for (const group of GROUPS) {
    const byRule = new Map<string, [number, number]>();
    const disagreements: string[] = [];
    let compared = 0;
    let agreed = 0;
    for (const ref of expected) {
      const text = texts.get(ref.id);
      if (text === undefined || ref[group] === 'skipped') continue;
      const want = referenceRuleKey(ref[group]);
      if (want === undefined) throw new Error(`unknown reference reason "${ref[group]}" for ${ref.id}`);
      const got = outcome(text, CONFIGS[group]);
      compared++;
      const entry = byRule.get(want) ?? [0, 0];
      entry[1]++;
      if (got === want) {
        agreed++;
        entry[0]++;
      } else disagreements.push(`${ref.id}: reference ${want}, rules ${got}`);
      byRule.set(want, entry);
    }
    result[group] = { compared, agreed, byRule, disagreements };
  }
  return result;
}

/** Line-level agreement of C4's kept lines, both variants. */
export function compareC4Lines(texts: ReadonlyMap<string, string>, expected: readonly ReferenceResult[]): { lines: number; agreed: number; docsExact: number; docs: number; disagreements: string[] } {
  let lines = 0;
  let agreed = 0;
  let docsExact = 0;
  let docs = 0;
  const disagreements: string[] = [];
  for (const ref of expected) {
    const text = texts.get(ref.id);
    if (text === undefined) continue;
    for (const [config, keptLines] of [
      [CONFIGS.c4, ref.c4_kept_lines],
      [CONFIGS.c4_terminal_off, ref.c4_terminal_off_kept_lines],
    ] as const) {
      const removed = new Set(evaluateRules(text, config).removals.map((r) => r.line));
      const kept = new Set(keptLines);
      const count = text.split('\n').length;
      let exact = true;
      for (let line = 0; line < count; line++) {
        lines++;
        if (kept.has(line) === !removed.has(line)) agreed++;
        else {
          exact = false;
          disagreements.push(`${ref.id} line ${line}: reference ${kept.has(line) ? 'keeps' : 'removes'}`);
        }
      }
      docs++;
      if (exact) docsExact++;
    }
  }
  return { lines, agreed, docsExact, docs, disagreements };
}
