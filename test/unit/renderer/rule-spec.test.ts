import { describe, expect, it } from 'vitest';
import { ruleCatalog } from '../../../main/rules/config';
import { parseRuleSpec } from '../../../main/rules/config';
import { joinSpec, rulesOfPreset, settingsOfPreset, splitSpec, valueOf, withValue } from '../../../renderer/src/rules/rule-spec';

describe('rule specs as the Batch screen edits them', () => {
  it('splits a spec into preset, rules switched off and other overrides, and joins it back', () => {
    expect(splitSpec('web')).toEqual({ preset: 'web', off: [], others: [] });
    expect(splitSpec('fineweb+prox-lines, -c4.policy, gopher.min_doc_words=30, c4.javascript=off')).toEqual({
      preset: 'fineweb+prox-lines',
      off: ['c4.policy', 'c4.javascript'],
      others: ['gopher.min_doc_words=30'],
    });
    const spec = 'web,-web.repeated,web.menus=4';
    expect(joinSpec(splitSpec(spec))).toBe(spec);
    expect(parseRuleSpec(joinSpec({ preset: 'web', off: ['web.related', 'web.min_prose_words'], others: [] })).rules).toMatchObject({ 'web.related': false, 'web.min_prose_words': false });
  });

  it('lists the rules a preset runs from the catalogue the server sends, settings left out', () => {
    const catalog = ruleCatalog();
    const web = rulesOfPreset(catalog, 'web').map((r) => r.key);
    expect(web).toEqual(['web.widgets', 'web.boilerplate', 'web.menus', 'web.page_edges', 'web.repeated', 'web.related', 'web.min_prose_words']);
    expect(rulesOfPreset(catalog, 'web').find((r) => r.key === 'web.min_prose_words')).toMatchObject({ kind: 'page', value: 400 });
    const fineweb = rulesOfPreset(catalog, 'fineweb').map((r) => r.key);
    expect(fineweb).toContain('gopher.min_doc_words');
    expect(fineweb).not.toContain('c4.terminal_punct');
    expect(rulesOfPreset(catalog, 'fineweb+prox-lines').map((r) => r.key)).toEqual(expect.arrayContaining(['c4.policy', 'prox.header_nav']));
    expect(rulesOfPreset(catalog, 'nope')).toEqual([]);
  });

  it('sets and clears a rule value, and the spec it makes reads back to it on the server', () => {
    const base = splitSpec('web,-web.repeated');
    const set = withValue(withValue(base, 'web.menus', '5'), 'web.max_link_words', '6');
    expect(valueOf(set, 'web.menus')).toBe('5');
    expect(valueOf(set, 'web.widgets')).toBeNull();
    expect(joinSpec(set)).toBe('web,-web.repeated,web.menus=5,web.max_link_words=6');
    const parsed = parseRuleSpec(joinSpec(set));
    expect(parsed.rules).toMatchObject({ 'web.menus': 5, 'web.repeated': false });
    // Changed again, then back to the preset's value (empty): one override at most per key.
    expect(joinSpec(withValue(set, 'web.menus', '7'))).toBe('web,-web.repeated,web.max_link_words=6,web.menus=7');
    expect(joinSpec(withValue(set, 'web.menus', ''))).toBe('web,-web.repeated,web.max_link_words=6');
    expect(valueOf(splitSpec('web,web.menus = 4'), 'web.menus')).toBe('4');
    // A key that is a prefix of another is not confused with it.
    expect(valueOf(splitSpec('c4,c4.min_words_per_line=2'), 'c4.min_words')).toBeNull();
    expect(settingsOfPreset(ruleCatalog(), 'web').map((r) => r.key)).toEqual(['web.max_link_words']);
  });
});
