/**
 * Which rules run, with which thresholds: the rule catalogue, named presets and the spec
 * syntax (`fineweb`, `c4+prox-lines`, `fineweb,gopher.min_stop_words=3,c4.policy=off`).
 *
 * Defaults are those of datatrove's filters (huggingface/datatrove a649de7); the `fineweb`
 * preset is the order and options of datatrove's examples/fineweb.py.
 */
import type { RuleCatalog } from '../../contract/api';
import { DEFAULT_RULE_PRESET } from '../../contract/programmer-ref';

/** The preset a bare `rules` means (defined with the programmer-reference parser). */
export { DEFAULT_RULE_PRESET };

/** Bump when a rule's behaviour changes, so cached rule programs are recomputed. */
export const RULESET_VERSION = '2';

/**
 * Rule groups, in the order they run: the FineWeb recipe's order, then the ProX line set, then
 * the web set, whose page judgement reads the lines every group before it left.
 */
export const FILTERS = ['gopher_rep', 'gopher', 'c4', 'fineweb', 'prox', 'web'] as const;
export type FilterId = (typeof FILTERS)[number];

interface RuleDefinition {
  readonly filter: FilterId;
  /** The reference default: a threshold, or `true` for an on/off rule. */
  readonly value: number | boolean;
  readonly description: string;
}

export const RULES = {
  'gopher_rep.dup_para_frac': { filter: 'gopher_rep', value: 0.3, description: 'drop: duplicate paragraphs / paragraphs above' },
  'gopher_rep.dup_para_char_frac': { filter: 'gopher_rep', value: 0.2, description: 'drop: characters in duplicate paragraphs / characters above' },
  'gopher_rep.dup_line_frac': { filter: 'gopher_rep', value: 0.3, description: 'drop: duplicate lines / lines above' },
  'gopher_rep.dup_line_char_frac': { filter: 'gopher_rep', value: 0.2, description: 'drop: characters in duplicate lines / characters above' },
  'gopher_rep.top_2_gram': { filter: 'gopher_rep', value: 0.2, description: 'drop: characters of the most frequent 2-gram / characters above' },
  'gopher_rep.top_3_gram': { filter: 'gopher_rep', value: 0.18, description: 'drop: same for 3-grams' },
  'gopher_rep.top_4_gram': { filter: 'gopher_rep', value: 0.16, description: 'drop: same for 4-grams' },
  'gopher_rep.dup_5_gram': { filter: 'gopher_rep', value: 0.15, description: 'drop: characters in duplicated 5-grams / characters above' },
  'gopher_rep.dup_6_gram': { filter: 'gopher_rep', value: 0.14, description: 'drop: same for 6-grams' },
  'gopher_rep.dup_7_gram': { filter: 'gopher_rep', value: 0.13, description: 'drop: same for 7-grams' },
  'gopher_rep.dup_8_gram': { filter: 'gopher_rep', value: 0.12, description: 'drop: same for 8-grams' },
  'gopher_rep.dup_9_gram': { filter: 'gopher_rep', value: 0.11, description: 'drop: same for 9-grams' },
  'gopher_rep.dup_10_gram': { filter: 'gopher_rep', value: 0.1, description: 'drop: same for 10-grams' },
  'gopher.min_doc_words': { filter: 'gopher', value: 50, description: 'drop: fewer non-symbol words' },
  'gopher.max_doc_words': { filter: 'gopher', value: 100000, description: 'drop: more non-symbol words' },
  'gopher.min_avg_word_length': { filter: 'gopher', value: 3, description: 'drop: mean word length below' },
  'gopher.max_avg_word_length': { filter: 'gopher', value: 10, description: 'drop: mean word length above' },
  'gopher.max_symbol_word_ratio': { filter: 'gopher', value: 0.1, description: "drop: '#' or ellipses per word above" },
  'gopher.max_bullet_lines_ratio': { filter: 'gopher', value: 0.9, description: 'drop: lines starting with a bullet above' },
  'gopher.max_ellipsis_lines_ratio': { filter: 'gopher', value: 0.3, description: 'drop: lines ending with an ellipsis above' },
  'gopher.min_alpha_words_ratio': { filter: 'gopher', value: 0.8, description: 'drop: words with a letter below' },
  'gopher.min_stop_words': { filter: 'gopher', value: 2, description: 'drop: fewer distinct stop words (the, be, to, of, and, that, have, with)' },
  'c4.max_word_length': { filter: 'c4', value: 1000, description: 'remove lines with a longer word' },
  'c4.citations': { filter: 'c4', value: true, description: 'normalize away citation markers [1], [edit], [citation needed]' },
  'c4.terminal_punct': { filter: 'c4', value: true, description: 'remove lines not ending in . ? ! " \' (or ending in ...)' },
  'c4.min_words_per_line': { filter: 'c4', value: 3, description: 'remove lines with fewer words' },
  'c4.lorem_ipsum': { filter: 'c4', value: true, description: 'drop documents containing "lorem ipsum"' },
  'c4.javascript': { filter: 'c4', value: true, description: 'remove lines mentioning "javascript"' },
  'c4.curly_bracket': { filter: 'c4', value: true, description: 'drop documents containing "{"' },
  'c4.policy': { filter: 'c4', value: true, description: 'remove lines with terms-of-use / privacy / cookie phrases' },
  'c4.min_sentences': { filter: 'c4', value: 5, description: 'drop documents with fewer sentences in their kept lines' },
  'fineweb.min_line_punct_ratio': { filter: 'fineweb', value: 0.12, description: 'drop: lines ending in terminal punctuation below' },
  'fineweb.max_short_line_ratio': { filter: 'fineweb', value: 0.67, description: 'drop: short lines above' },
  'fineweb.short_line_length': { filter: 'fineweb', value: 30, description: 'a line this many characters or fewer is short' },
  'fineweb.max_dup_line_char_ratio': { filter: 'fineweb', value: 0.01, description: 'drop: characters in duplicate lines / characters above' },
  'fineweb.max_newline_word_ratio': { filter: 'fineweb', value: 0.3, description: 'drop: newlines per word above' },
  'prox.header_nav': { filter: 'prox', value: true, description: 'remove the navigation/menu block before the title and text' },
  'prox.link_lines': { filter: 'prox', value: true, description: 'remove lines that are only a URL, a button or a widget label' },
  'prox.footer': { filter: 'prox', value: true, description: 'remove the footer block (copyright, contact, share, subscribe) after the text' },
  'prox.inline_urls': { filter: 'prox', value: true, description: 'normalize away bare URLs inside text lines' },
  'prox.max_menu_line_words': { filter: 'prox', value: 4, description: 'a menu/button line has at most this many words' },
  'web.widgets': { filter: 'web', value: true, description: 'remove lines that are only a URL, a button or widget label, or a count' },
  'web.boilerplate': { filter: 'web', value: true, description: 'remove cookie/consent, copyright, terms/privacy and sign-up/log-in lines' },
  'web.menus': { filter: 'web', value: 3, description: 'remove runs of at least this many short link-like lines (menus, tags, link lists)' },
  'web.page_edges': { filter: 'web', value: 10, description: "remove what is not running text outside the page's text: the stretch where prose words outweigh short lines, each costing this many words" },
  'web.repeated': { filter: 'web', value: true, description: 'remove short link-like lines that appear more than once on the page' },
  'web.related': { filter: 'web', value: true, description: 'remove "Related", "Most read", "Read next" ... blocks' },
  'web.max_link_words': { filter: 'web', value: 4, description: 'a link-like line has at most this many words' },
  'web.min_prose_words': { filter: 'web', value: 400, description: 'drop: fewer words of running text left after line cleaning' },
} as const satisfies Record<string, RuleDefinition>;

export type RuleKey = keyof typeof RULES;
export const RULE_KEYS = Object.keys(RULES) as RuleKey[];

export interface RuleConfig {
  /** Rule groups that run, in run order (a subsequence of FILTERS). */
  readonly filters: readonly FilterId[];
  /** Per rule: its threshold, `true` (on/off rule switched on) or `false` (switched off). */
  readonly rules: Readonly<Record<RuleKey, number | boolean>>;
}

interface Preset {
  readonly filters: readonly FilterId[];
  readonly off: readonly RuleKey[];
  readonly description: string;
}

export const RULE_PRESETS = {
  web: {
    filters: ['web'],
    off: [],
    description: 'for raw web pages: removes menus, header/footer, widgets, link lists and boilerplate using the lines around each line, then judges the page on the text left',
  },
  c4: { filters: ['c4'], off: [], description: "datatrove C4QualityFilter with its defaults" },
  gopher: { filters: ['gopher_rep', 'gopher'], off: [], description: 'datatrove GopherRepetitionFilter then GopherQualityFilter' },
  fineweb: {
    filters: ['gopher_rep', 'gopher', 'c4', 'fineweb'],
    off: ['c4.terminal_punct'],
    description: 'the FineWeb recipe: Gopher repetition, Gopher quality, C4 without the terminal-punctuation line rule, FineWeb quality',
  },
  'prox-lines': { filters: ['prox'], off: [], description: 'ProX-style line removal: menus, link/button lines, footers, inline URLs' },
  all: { filters: ['gopher_rep', 'gopher', 'c4', 'fineweb', 'prox'], off: [], description: 'every datatrove and ProX-lines rule at its reference default (not web)' },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof RULE_PRESETS;

const PRESET_NAMES = Object.keys(RULE_PRESETS) as PresetName[];

export class RuleSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleSpecError';
  }
}

function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as string[]).includes(name);
}
function isRuleKey(name: string): name is RuleKey {
  return (RULE_KEYS as string[]).includes(name);
}

/** The reference defaults with the given groups switched on and nothing else changed. */
export function defaultRuleValues(): Record<RuleKey, number | boolean> {
  const values = {} as Record<RuleKey, number | boolean>;
  for (const key of RULE_KEYS) values[key] = RULES[key].value;
  return values;
}

/**
 * Combines presets: the union of their groups in run order; a rule is off only when every
 * combined preset that runs its group switches it off (so `fineweb+c4` keeps C4's
 * terminal-punctuation rule on).
 */
export function combinePresets(names: readonly PresetName[]): RuleConfig {
  const groups = new Set<FilterId>();
  for (const name of names) for (const filter of RULE_PRESETS[name].filters) groups.add(filter);
  const rules = defaultRuleValues();
  for (const key of RULE_KEYS) {
    const filter = RULES[key].filter;
    const using = names.filter((name) => (RULE_PRESETS[name].filters as readonly FilterId[]).includes(filter));
    if (using.length > 0 && using.every((name) => (RULE_PRESETS[name].off as readonly RuleKey[]).includes(key))) rules[key] = false;
  }
  return { filters: FILTERS.filter((f) => groups.has(f)), rules };
}

function parseValue(key: RuleKey, raw: string): number | boolean {
  const lower = raw.toLowerCase();
  if (lower === 'on' || lower === 'true') return typeof RULES[key].value === 'number' ? RULES[key].value : true;
  if (lower === 'off' || lower === 'false') return false;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new RuleSpecError(`rule "${key}": value "${raw}" is not a number or on/off`);
  }
  if (typeof RULES[key].value === 'boolean') {
    throw new RuleSpecError(`rule "${key}" is an on/off rule: use ${key}=on or ${key}=off, not "${raw}"`);
  }
  return value;
}

/**
 * Parses `preset[+preset...][,rule=value...]` (an empty spec is the default preset). Values are numbers,
 * `on` or `off`; `-rule` is short for `rule=off`. Throws RuleSpecError naming the bad part
 * and listing what is valid.
 */
export function parseRuleSpec(spec: string): RuleConfig {
  const body = spec.trim() || DEFAULT_RULE_PRESET;
  const [presetPart = '', ...overrides] = body.split(',').map((part) => part.trim());
  const names = presetPart.split('+').map((name) => name.trim());
  for (const name of names) {
    if (!isPresetName(name)) {
      throw new RuleSpecError(`unknown rule preset "${name}" in "${spec}"; valid presets: ${PRESET_NAMES.join(', ')} (combine with +, e.g. fineweb+prox-lines)`);
    }
  }
  const base = combinePresets(names as PresetName[]);
  const rules = { ...base.rules };
  for (const override of overrides) {
    if (override === '') continue;
    const negated = override.startsWith('-');
    const [rawKey = '', rawValue] = negated ? [override.slice(1), 'off'] : override.split('=', 2);
    const key = rawKey.trim();
    if (!isRuleKey(key)) {
      throw new RuleSpecError(`unknown rule "${key}" in "${spec}"; valid rules: ${RULE_KEYS.join(', ')}`);
    }
    if (rawValue === undefined) throw new RuleSpecError(`rule "${key}" in "${spec}" needs a value: ${key}=<number|on|off>`);
    rules[key] = parseValue(key, rawValue.trim());
  }
  return { filters: base.filters, rules };
}

/** The value of a rule when its group runs and it is switched on; undefined otherwise. */
export function activeValue(config: RuleConfig, key: RuleKey): number | true | undefined {
  if (!config.filters.includes(RULES[key].filter)) return undefined;
  const value = config.rules[key];
  if (value === false) return undefined;
  return value;
}

/** Values that tune other rules and take nothing themselves: switching them off means their default. */
const SETTINGS: ReadonlySet<RuleKey> = new Set<RuleKey>(['fineweb.short_line_length', 'prox.max_menu_line_words', 'web.max_link_words']);

/** What a rule takes when it fires: whole pages, lines (or text inside lines), or nothing (a setting). */
export function ruleKind(key: RuleKey): 'page' | 'line' | 'setting' {
  if (SETTINGS.has(key)) return 'setting';
  return RULES[key].description.startsWith('drop') ? 'page' : 'line';
}

/** Every preset with the rules it runs (switched on, with their values) and every rule: for the Batch screen. */
export function ruleCatalog(): RuleCatalog {
  return {
    defaultPreset: DEFAULT_RULE_PRESET,
    presets: PRESET_NAMES.map((name) => {
      const config = combinePresets([name]);
      const rules = RULE_KEYS.filter((key) => activeValue(config, key) !== undefined).map((key) => ({ key, value: config.rules[key] }));
      return { name, description: RULE_PRESETS[name].description, rules };
    }),
    rules: RULE_KEYS.map((key) => ({ key, group: RULES[key].filter, kind: ruleKind(key), value: RULES[key].value, description: RULES[key].description })),
  };
}

/** A numeric threshold that is on, or undefined. On/off rules read as their reference default. */
export function threshold(config: RuleConfig, key: RuleKey): number | undefined {
  const value = activeValue(config, key);
  if (value === undefined) return undefined;
  if (value === true) {
    const fallback = RULES[key].value;
    return typeof fallback === 'number' ? fallback : undefined;
  }
  return value;
}

export function isOn(config: RuleConfig, key: RuleKey): boolean {
  return activeValue(config, key) !== undefined;
}

/**
 * A stable spelling of a config, used in programmer ids and labels: a spec that parseRuleSpec
 * reads back to the same config (`web`, `web,-web.menus`, `fineweb,gopher.min_stop_words=3`),
 * so a user can copy it from the Batch or Stats screen into `--programmer rules:<spec>`. Of the
 * preset combinations that run the same groups, the one needing the fewest overrides, then
 * the fewest presets.
 */
export function describeConfig(config: RuleConfig): string {
  const combinations = Array.from({ length: (1 << PRESET_NAMES.length) - 1 }, (_, i) => PRESET_NAMES.filter((_, bit) => ((i + 1) >> bit) & 1));
  combinations.sort((a, b) => a.length - b.length);
  let best: string[] | undefined;
  for (const names of combinations) {
    const base = combinePresets(names);
    if (base.filters.join() !== config.filters.join()) continue;
    const overrides = RULE_KEYS.filter((key) => config.filters.includes(RULES[key].filter) && config.rules[key] !== base.rules[key]).map((key) => spellOverride(key, config.rules[key]));
    if (best === undefined || overrides.length + 1 < best.length) best = [names.join('+'), ...overrides];
    if (overrides.length === 0) break;
  }
  if (best !== undefined) return best.join(',');
  // Groups no preset combination runs (a config built in code, not parsed from a spec).
  const defaults = defaultRuleValues();
  const changed = RULE_KEYS.filter((key) => config.filters.includes(RULES[key].filter) && config.rules[key] !== defaults[key]).map((key) => spellOverride(key, config.rules[key]));
  return [`groups:${config.filters.join('+')}`, ...changed].join(',');
}

function spellOverride(key: RuleKey, value: number | boolean): string {
  if (value === false) return `-${key}`;
  return `${key}=${value === true ? 'on' : String(value)}`;
}
