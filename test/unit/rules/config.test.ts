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

  it('describes a config by its preset name, or by its groups and changes', () => {
    expect(describeConfig(parseRuleSpec(''))).toBe('web');
    expect(describeConfig(parseRuleSpec('web,-web.repeated'))).toBe('groups:web,web.repeated=off');
    expect(describeConfig(combinePresets(['fineweb']))).toBe('fineweb');
    expect(describeConfig(parseRuleSpec('c4+prox-lines'))).toBe('c4+prox-lines');
    expect(describeConfig(parseRuleSpec('fineweb+c4+prox-lines'))).toBe('all');
    expect(describeConfig(parseRuleSpec('fineweb,gopher.min_stop_words=3'))).toBe('groups:gopher_rep+gopher+c4+fineweb,gopher.min_stop_words=3,c4.terminal_punct=off');
  });
});
