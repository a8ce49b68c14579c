import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProgrammerRef } from '../../../contract/programmer-ref';
import { combinePresets, DEFAULT_RULE_PRESET, describeConfig, parseRuleSpec, RULE_KEYS, RULE_PRESETS, RuleSpecError } from '../../../main/rules/config';

describe('rule specs and presets', () => {
  it('names every preset and combines them in run order', () => {
    expect(Object.keys(RULE_PRESETS).sort()).toEqual(['all', 'c4', 'fineweb', 'gopher', 'prox-lines', 'web']);
    expect(parseRuleSpec('web').filters).toEqual(['web']);
    expect(parseRuleSpec('fineweb+web').filters).toEqual(['gopher_rep', 'gopher', 'c4', 'fineweb', 'web']);
    expect(parseRuleSpec('fineweb').filters).toEqual(['gopher_rep', 'gopher', 'c4', 'fineweb']);
    expect(parseRuleSpec('prox-lines+c4').filters).toEqual(['c4', 'prox']);
    expect(parseRuleSpec('fineweb+prox-lines').filters).toEqual(['gopher_rep', 'gopher', 'c4', 'fineweb', 'prox']);
    expect(parseRuleSpec('all').filters).toEqual(['gopher_rep', 'gopher', 'c4', 'fineweb', 'prox']);
  });

  it('fineweb switches off only the terminal-punctuation rule; combining with c4 switches it back on', () => {
    const fineweb = parseRuleSpec('fineweb');
    expect(fineweb.rules['c4.terminal_punct']).toBe(false);
    expect(RULE_KEYS.filter((key) => fineweb.rules[key] === false)).toEqual(['c4.terminal_punct']);
    expect(parseRuleSpec('fineweb+c4').rules['c4.terminal_punct']).toBe(true);
    expect(parseRuleSpec('c4').rules['c4.terminal_punct']).toBe(true);
  });

  it('overrides thresholds and switches rules on and off', () => {
    const config = parseRuleSpec('fineweb, gopher.min_stop_words=3, c4.policy=off, -gopher_rep.top_2_gram, c4.terminal_punct=on');
    expect(config.rules['gopher.min_stop_words']).toBe(3);
    expect(config.rules['c4.policy']).toBe(false);
    expect(config.rules['gopher_rep.top_2_gram']).toBe(false);
    expect(config.rules['c4.terminal_punct']).toBe(true);
    expect(parseRuleSpec('gopher,gopher.min_doc_words=off,gopher.min_doc_words=on').rules['gopher.min_doc_words']).toBe(50);
  });

  it('rejects a bad preset, rule or value with a message naming it and what is valid', () => {
    expect(() => parseRuleSpec('finweb')).toThrow(RuleSpecError);
    expect(() => parseRuleSpec('finweb')).toThrow(/unknown rule preset "finweb".*valid presets: web, c4, gopher, fineweb, prox-lines, all/);
    expect(() => parseRuleSpec('c4,c4.nope=1')).toThrow(/unknown rule "c4.nope".*valid rules: .*c4.min_sentences/);
    expect(() => parseRuleSpec('c4,c4.min_sentences=many')).toThrow(/rule "c4.min_sentences": value "many" is not a number or on\/off/);
    expect(() => parseRuleSpec('c4,c4.javascript=2')).toThrow(/on\/off rule/);
    expect(() => parseRuleSpec('c4,c4.min_sentences')).toThrow(/needs a value/);
  });

  it('rules with no preset means web, the preset made for raw web pages; the datatrove presets do not run it', () => {
    expect(DEFAULT_RULE_PRESET).toBe('web');
    expect(parseRuleSpec('')).toEqual(parseRuleSpec('web'));
    expect(parseProgrammerRef('rules')).toEqual({ type: 'rules', preset: 'web' });
    for (const preset of ['c4', 'gopher', 'fineweb', 'prox-lines', 'all']) expect(parseRuleSpec(preset).filters).not.toContain('web');
    expect(parseRuleSpec('web,-web.repeated,web.menus=4').rules).toMatchObject({ 'web.repeated': false, 'web.menus': 4, 'web.widgets': true });
  });

  it('describes a config as the shortest spec that reads back to it: presets, then what differs', () => {
    expect(describeConfig(parseRuleSpec(''))).toBe('web');
    expect(describeConfig(parseRuleSpec('web,-web.repeated'))).toBe('web,-web.repeated');
    expect(describeConfig(parseRuleSpec('web,web.menus=off,web.min_prose_words=250'))).toBe('web,-web.menus,web.min_prose_words=250');
    expect(describeConfig(combinePresets(['fineweb']))).toBe('fineweb');
    expect(describeConfig(parseRuleSpec('c4+prox-lines'))).toBe('c4+prox-lines');
    expect(describeConfig(parseRuleSpec('fineweb+c4+prox-lines'))).toBe('all');
    expect(describeConfig(parseRuleSpec('fineweb,gopher.min_stop_words=3'))).toBe('fineweb,gopher.min_stop_words=3');
    // fineweb switches C4's terminal-punctuation rule off; switched back on, it is fineweb+c4 again.
    expect(describeConfig(parseRuleSpec('fineweb,c4.terminal_punct=on'))).toBe('c4+fineweb');
    expect(describeConfig(parseRuleSpec('c4+web'))).toBe('web+c4');
    // Groups no preset combination runs (a config built in code) have no preset spelling.
    expect(describeConfig({ filters: ['gopher', 'web'], rules: parseRuleSpec('gopher+web').rules })).toBe('groups:gopher+web');
  });

  it('any spec of presets and overrides reads back from its description to the same config', () => {
    const presets = Object.keys(RULE_PRESETS);
    const numeric = RULE_KEYS.filter((key) => typeof parseRuleSpec('all+web').rules[key] === 'number');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...presets), { minLength: 1, maxLength: 3 }),
        fc.array(fc.oneof(fc.constantFrom(...RULE_KEYS).map((key) => `-${key}`), fc.tuple(fc.constantFrom(...numeric), fc.integer({ min: 0, max: 500 })).map(([key, n]) => `${key}=${n}`)), { maxLength: 4 }),
        (names, overrides) => {
          const config = parseRuleSpec([names.join('+'), ...overrides].join(','));
          const described = describeConfig(config);
          const again = parseRuleSpec(described);
          expect(again.filters).toEqual(config.filters);
          for (const key of RULE_KEYS) if (config.filters.some((f) => key.startsWith(`${f}.`))) expect(again.rules[key], `${key} in ${described}`).toBe(config.rules[key]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
