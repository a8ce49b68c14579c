/** Builders for hand-made test documents and single-rule configs. */
import { combinePresets, RULE_KEYS, RULES, type RuleConfig, type RuleKey } from '../../../main/rules/config';

/** Distinct plain words of 4-6 letters, no stop words, so counts and lengths are predictable. */
const WORDS = ['apple', 'river', 'stone', 'cloud', 'green', 'table', 'music', 'light', 'north', 'paper', 'horse', 'plant', 'sugar', 'metal', 'ocean', 'glass'];

/** `n` plain words (no punctuation, no stop words) separated by spaces. */
export function plainWords(n: number, offset = 0): string[] {
  return Array.from({ length: n }, (_, i) => WORDS[(i + offset) % WORDS.length] ?? 'word');
}

/** `n` distinct words (no repeated n-grams at all). */
export function distinctWords(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `word${i}`);
}

/** Exactly one rule switched on (others of every group off), the group running. */
export function onlyRule(key: RuleKey, value?: number | boolean): RuleConfig {
  const all = combinePresets(['all']);
  const rules = { ...all.rules };
  for (const other of RULE_KEYS) rules[other] = false;
  rules[key] = value ?? RULES[key].value;
  // Settings that are not rules of their own keep their defaults.
  rules['fineweb.short_line_length'] = RULES['fineweb.short_line_length'].value;
  rules['prox.max_menu_line_words'] = RULES['prox.max_menu_line_words'].value;
  return { filters: [RULES[key].filter], rules };
}

/** Several rules of one group on at their defaults, the rest off. */
export function onlyRules(keys: readonly RuleKey[]): RuleConfig {
  const first = keys[0];
  if (first === undefined) throw new Error('onlyRules needs a rule');
  const base = onlyRule(first);
  const rules = { ...base.rules };
  for (const key of keys) rules[key] = RULES[key].value;
  return { filters: [...new Set(keys.map((key) => RULES[key].filter))], rules };
}
