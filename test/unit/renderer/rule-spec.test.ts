import { describe, expect, it } from 'vitest';
import { ruleCatalog } from '../../../main/rules/config';
import { parseRuleSpec } from '../../../main/rules/config';
import { joinSpec, rulesOfPreset, splitSpec } from '../../../renderer/src/rules/rule-spec';

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
});
