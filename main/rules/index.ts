/** The rule programmer: C4, Gopher and FineWeb rules, plus a ProX-style line set, as programs. */
export { createRuleProgrammer } from './rule-programmer';
export { writeRulePrograms, evaluateRules, spellPrograms, type RulePrograms, type RuleVerdict, type WrittenProgram } from './write-programs';
export {
  RULE_PRESETS,
  RULES,
  RULE_KEYS,
  RULESET_VERSION,
  FILTERS,
  parseRuleSpec,
  combinePresets,
  describeConfig,
  RuleSpecError,
  type RuleConfig,
  type RuleKey,
  type FilterId,
  type PresetName,
} from './config';
export type { DocFailure, LineRemoval, Normalization } from './verdict';
