/** The one reading of a stage's programmer name (`rules[:preset]`, a remote model, a local model). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_PRESET, isRemoteModelSource, parseProgrammerRef } from '../../../contract/programmer-ref';
import { parseRuleSpec } from '../../../main/rules/config';

describe('parseProgrammerRef', () => {
  it('reads rules with and without a preset; an empty preset is the default one', () => {
    expect(parseProgrammerRef('rules')).toEqual({ type: 'rules', preset: DEFAULT_RULE_PRESET });
    expect(parseProgrammerRef('rules:')).toEqual({ type: 'rules', preset: DEFAULT_RULE_PRESET });
    expect(parseProgrammerRef(' rules:c4+prox-lines ')).toEqual({ type: 'rules', preset: 'c4+prox-lines' });
    expect(parseProgrammerRef('rules:fineweb,c4.policy=off,-gopher_rep.top_2_gram')).toEqual({ type: 'rules', preset: 'fineweb,c4.policy=off,-gopher_rep.top_2_gram' });
  });

  it('tells remote models (hf: URIs, http(s) URLs) from local ones', () => {
    expect(parseProgrammerRef('hf:QuantFactory/web-doc-refining-lm-GGUF:Q8_0')).toEqual({ type: 'remote', source: 'hf:QuantFactory/web-doc-refining-lm-GGUF:Q8_0' });
    expect(parseProgrammerRef('HTTPS://example.org/m.gguf')).toEqual({ type: 'remote', source: 'HTTPS://example.org/m.gguf' });
    expect(parseProgrammerRef('web-doc-refining-lm.Q8_0')).toEqual({ type: 'model', reference: 'web-doc-refining-lm.Q8_0' });
    expect(parseProgrammerRef('./models/rules.gguf')).toEqual({ type: 'model', reference: './models/rules.gguf' });
    expect(parseProgrammerRef('rulesets.gguf')).toEqual({ type: 'model', reference: 'rulesets.gguf' });
    expect(isRemoteModelSource('http://host/m.gguf')).toBe(true);
    expect(isRemoteModelSource('http:m.gguf')).toBe(false);
    expect(isRemoteModelSource('/data/hf:model.gguf')).toBe(false);
  });

  it('reads openai: as inference servers, endpoints kept as written', () => {
    expect(parseProgrammerRef('openai:http://gpu1:8000/v1#web-doc@8,http://gpu2:8000/v1')).toEqual({ type: 'server', endpoints: 'http://gpu1:8000/v1#web-doc@8,http://gpu2:8000/v1' });
    expect(parseProgrammerRef('OpenAI:http://h:8080')).toEqual({ type: 'server', endpoints: 'http://h:8080' });
  });

  it('names a preset the rule engine knows', () => {
    expect(() => parseRuleSpec(DEFAULT_RULE_PRESET)).not.toThrow();
    expect(parseRuleSpec('')).toEqual(parseRuleSpec(DEFAULT_RULE_PRESET));
  });
});
