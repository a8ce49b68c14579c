import { describe, expect, it } from 'vitest';
import { parseRuleSpec, RULES } from '../../../main/rules/config';
import { DocumentView } from '../../../main/rules/document-view';
import { findText } from '../../../main/rules/web-lines';
import { WebPage } from '../../../main/rules/web-page';
import { evaluateRules, writeRulePrograms } from '../../../main/rules/write-programs';

const P = [
  'The northern lakes freeze early in the year, and the ice stays until April in most places.',
  'Fishing guides say the best season starts in late June, when the water is calm and clear.',
  'Many visitors come for the long evenings, the quiet shores and the birds that nest there.',
  'The roads around the lakes are narrow, so most guests arrive by bus or by the small train.',
  'Local families rent out cabins, and the prices stay low until the middle of the summer.',
  'I went there last year and the guide was right about the birds, there were hundreds of them.',
];

/** A raw page: menu, headline block, article with headings, widgets, comments, teasers, footer. */
const PAGE = [
  /* 0 */ 'Lakes of the far north: a visitor guide | Example Travel',
  /* 1 */ 'Skip to content',
  /* 2 */ 'Home',
  /* 3 */ 'Travel',
  /* 4 */ 'Food',
  /* 5 */ 'Culture',
  /* 6 */ 'Log in',
  /* 7 */ 'Lakes of the far north: a visitor guide',
  /* 8 */ 'A short guide for a first summer trip',
  /* 9 */ 'By Anna Berg',
  /* 10 */ 'March 3, 2021',
  /* 11 */ P[0],
  /* 12 */ 'Where to stay',
  /* 13 */ P[1],
  /* 14 */ 'https://example.org/lakes/map',
  /* 15 */ 'Share',
  /* 16 */ 'Photo: © Anna Berg',
  /* 17 */ P[2],
  /* 18 */ 'Getting there',
  /* 19 */ 'By train',
  /* 20 */ P[3],
  /* 21 */ P[4],
  /* 22 */ 'Related stories',
  /* 23 */ 'Ten Quiet Beaches for a Summer Weekend',
  /* 24 */ 'Why the Lakes Freeze From the Shore',
  /* 25 */ '2 comments',
  /* 26 */ 'Posted by Jon on March 5, 2021',
  /* 27 */ P[5],
  /* 28 */ 'More From Example Travel',
  /* 29 */ 'The Best Trains of the North',
  /* 30 */ 'A Week on the Coast Without a Car',
  /* 31 */ 'Travel',
  /* 32 */ 'Food',
  /* 33 */ 'We use cookies to improve your experience. By using this site you agree to our cookie policy.',
  /* 34 */ '© 2024 Example Media. All rights reserved.',
  /* 35 */ 'Privacy Policy',
].join('\n');

const web = parseRuleSpec('web');
const removed = (text: string, spec = 'web'): number[] => evaluateRules(text, parseRuleSpec(spec)).removals.map((r) => r.line);
const reasons = (text: string, spec = 'web'): Map<number, string> => new Map(evaluateRules(text, parseRuleSpec(spec)).removals.map((r) => [r.line, r.reason]));
const ruleOf = (text: string, spec = 'web'): Map<number, string> => new Map(evaluateRules(text, parseRuleSpec(spec)).removals.map((r) => [r.line, r.rule]));

describe('web: line rules that read what is around a line', () => {
  it('removes menus, widgets, the related block, teasers, the consent banner and the footer; keeps the title, headline block, headings, caption, text and comment', () => {
    expect(removed(PAGE)).toEqual([1, 2, 3, 4, 5, 6, 14, 15, 22, 23, 24, 25, 28, 29, 30, 31, 32, 33, 34, 35]);
    expect(evaluateRules(PAGE, parseRuleSpec('web,web.min_prose_words=100')).failure).toBeUndefined();
  });

  it('says which rule removed each line and why, in words a user can check', () => {
    const why = reasons(PAGE);
    const rule = ruleOf(PAGE);
    expect(rule.get(1)).toBe('web.widgets');
    expect(why.get(3)).toBe('web: menu or link list (6 short lines in a row)');
    expect(rule.get(3)).toBe('web.menus');
    expect(why.get(14)).toBe('web: a URL alone');
    expect(why.get(15)).toBe('web: button or widget label');
    expect(why.get(23)).toBe('web: menu or link list (4 short lines in a row)');
    expect(why.get(29)).toBe('web: menu or link list (5 short lines in a row)');
    expect(why.get(33)).toBe('web: consent, legal, sign-up or copyright text');
    expect(rule.get(31)).toBe('web.menus');
  });

  it('each rule can be switched off on its own, and then that rule removes nothing', () => {
    for (const key of Object.keys(RULES).filter((k) => k.startsWith('web.') && typeof RULES[k as keyof typeof RULES].value === 'boolean')) {
      const rules = [...ruleOf(PAGE, `web,-${key}`).values()];
      expect(rules, key).not.toContain(key);
    }
    expect([...ruleOf(PAGE, 'web,-web.menus').values()]).not.toContain('web.menus');
    expect([...ruleOf(PAGE, 'web,-web.page_edges').values()]).not.toContain('web.page_edges');
  });

  it('a short line alone between paragraphs is a heading; several in a row are a menu', () => {
    const text = [P[0], 'Where to stay', P[1], 'Hotels', 'Cabins', 'Camping', 'Hostels', P[2]].map(String);
    expect(removed(['Lakes', ...text].join('\n'))).toEqual([4, 5, 6, 7]);
    expect(removed(['Lakes', ...text].join('\n'), 'web,web.menus=5,-web.page_edges')).toEqual([]);
  });

  it('keeps the byline and date above the text, and the date of a comment below it', () => {
    const text = ['Lakes', 'Home', 'News', 'Sport', 'Anna Berg', 'March 3, 2021', P[0], P[1], P[2], 'Home', 'News', 'Sport', 'March 5, 2021', P[5]].join('\n');
    const gone = removed(text);
    expect(gone).toEqual(expect.arrayContaining([1, 2, 3, 9, 10, 11]));
    expect(gone).not.toContain(4);
    expect(gone).not.toContain(5);
    expect(gone).not.toContain(12);
  });

  it('keeps code, formulas, a lead-in line and a list under "References"', () => {
    const code = ['for (int i = 0; i < n; i++) {', '  total += i;', '}', 'return total;'];
    const text = ['Sums in C', P[0], 'Here is the loop that does it:', ...code, P[1], 'References', 'Kernighan, B. "The C Programming Language", 1978.', 'Ritchie, D. "The Development of C", 1993.', 'Home', 'About', 'Contact'].join('\n');
    expect(removed(text)).toEqual([11, 12, 13]);
  });

  it('removes a short line repeated on the page, but not where text follows it (a heading a table of contents repeats)', () => {
    const text = ['Guide', 'Contents', 'Where to stay', 'Getting there', P[0], 'Where to stay', P[1], 'Getting there', P[2], 'Our best offers', 'Ask a question', P[3], 'Our best offers', 'Ask a question', P[4]].join('\n');
    const why = reasons(text, 'web,-web.menus,-web.page_edges');
    expect([...why.keys()]).toEqual([2, 9, 12]);
    expect(why.get(9)).toBe('web: short line repeated on the page');
  });

  it('finds the text of a page: prose outweighs the short lines around it', () => {
    const lines = ['Title', 'Home', 'News', P[0], P[1], 'Share', P[2], 'Teaser One Here', 'Teaser Two Here', 'Teaser Three Here', 'Short note.'];
    const page = new WebPage(new DocumentView(lines.join('\n')), 4);
    expect(findText(page, 10)).toEqual([3, 6]);
    expect(findText(new WebPage(new DocumentView('Title\nHome\nNews'), 4), 10)).toBeNull();
  });
});

describe('web: the page is judged on the text the line rules leave', () => {
  it('drops a page with little running text left after cleaning, saying how much there was', () => {
    const page = ['Title', 'Home', 'News', 'Sport', 'Weather', P[0], P[1], '© 2024 Example Media. All rights reserved.'].join('\n');
    const verdict = evaluateRules(page, web);
    expect(verdict.failure).toEqual({ rule: 'web.min_prose_words', reason: `web: words of running text after cleaning 34 < ${String(RULES['web.min_prose_words'].value)}` });
    expect(evaluateRules(page, parseRuleSpec('web,web.min_prose_words=30')).failure).toBeUndefined();
    expect(evaluateRules(page, parseRuleSpec('web,-web.min_prose_words')).failure).toBeUndefined();
  });

  it('keeps an article inside heavy menus that FineWeb drops for its short lines', () => {
    const menu = Array.from({ length: 60 }, (_, i) => `Section ${i}`);
    const article = Array.from({ length: 30 }, (_, i) => `${P[i % P.length]} ${P[(i + 1) % P.length]}`);
    const page = ['A long article', ...menu, ...article, ...menu].join('\n');
    expect(evaluateRules(page, parseRuleSpec('fineweb')).failure).toBeDefined();
    const verdict = evaluateRules(page, web);
    expect(verdict.failure).toBeUndefined();
    expect(verdict.removals.length).toBe(120);
  });

  it('an empty page fails the running-text rule, not a Gopher rule the preset does not run', () => {
    expect(evaluateRules('', web).failure?.rule).toBe('web.min_prose_words');
  });

  it('writes the programs the executor applies: keep_doc() and merged remove_lines ranges with their reasons', () => {
    const { doc, chunk } = writeRulePrograms(PAGE, parseRuleSpec('web,web.min_prose_words=50'));
    expect(doc.program).toBe('keep_doc()');
    expect(chunk.program.split('\n')[0]).toBe('remove_lines(start=1, end=6)');
    expect(chunk.notes[0]?.reason).toBe('lines 1-2: web: button or widget label; lines 3-5: web: menu or link list (6 short lines in a row); line 6: web: button or widget label');
  });
});
