import { describe, expect, it } from 'vitest';
import { parseRuleSpec, type RuleKey } from '../../../main/rules/config';
import { evaluateRules, writeRulePrograms } from '../../../main/rules/write-programs';
import { onlyRule } from './helpers';

const BODY = [
  'The northern lakes freeze early in the year, and the ice stays until April in most places.',
  'Fishing guides say the best season starts in late June, when the water is calm and clear.',
  'Many visitors come for the long evenings, the quiet shores and the birds that nest there.',
];
const PAGE = [
  /* 0 */ 'Lakes of the far north: a visitor guide',
  /* 1 */ 'Home',
  /* 2 */ 'Travel',
  /* 3 */ 'Log in',
  /* 4 */ 'Lakes of the far north: a visitor guide',
  /* 5 */ 'By Anna Berg',
  /* 6 */ 'March 3, 2021',
  /* 7 */ BODY[0],
  /* 8 */ 'Where to stay',
  /* 9 */ BODY[1],
  /* 10 */ 'https://example.org/lakes/map',
  /* 11 */ 'View Images',
  /* 12 */ 'Photo: © Anna Berg',
  /* 13 */ BODY[2],
  /* 14 */ 'Related stories',
  /* 15 */ 'Ten quiet beaches for a summer weekend',
  /* 16 */ 'Why the lakes freeze from the shore',
  /* 17 */ 'More about the lakes is at https://example.org/lakes for anyone planning a trip this year.',
  /* 18 */ 'Share',
  /* 19 */ 'Contact us',
  /* 20 */ '© 2024 Example Media. All rights reserved.',
  /* 21 */ 'Privacy Policy',
].join('\n');

const removed = (text: string, spec = 'prox-lines'): number[] => evaluateRules(text, parseRuleSpec(spec)).removals.map((r) => r.line);

describe('prox-lines: ProX-style line removal', () => {
  it('removes navigation, URL and widget lines, related blocks and the footer; keeps title, byline, date, headings, captions and text', () => {
    expect(removed(PAGE)).toEqual([1, 2, 3, 10, 11, 14, 15, 16, 18, 19, 20, 21]);
  });

  it('says why each line went', () => {
    const reasons = new Map(evaluateRules(PAGE, parseRuleSpec('prox-lines')).removals.map((r) => [r.line, r.reason]));
    expect(reasons.get(1)).toBe('prox: URL or widget label only');
    expect(reasons.get(2)).toBe('prox: navigation before the title');
    expect(reasons.get(10)).toBe('prox: URL or widget label only');
    expect(reasons.get(15)).toBe('prox: "Related stories" block');
    expect(reasons.get(20)).toBe('prox: footer boilerplate');
  });

  it('normalizes a URL inside text, only when the reference executor would apply the call exactly', () => {
    const { chunk } = writeRulePrograms(PAGE, parseRuleSpec('prox-lines'));
    expect(chunk.program.split('\n')).toContain('normalize(source_str="https://example.org/lakes", target_str="")');
    const withQuery = `${BODY[0]}\nSee https://example.org/find?lake=north for the full list of lakes and trails.\n${BODY[1]}`;
    expect(evaluateRules(withQuery, parseRuleSpec('prox-lines')).normalizations).toEqual([]);
  });

  it('never removes the title, code or a line repeating the title, even inside a long run of short lines', () => {
    const code = ['for (int i = 0; i < n; i++) {', '  total += i;', '}', 'return total;'];
    const menu = ['News', 'Sport', 'Weather', 'Business', 'Health', 'Science', 'Travel', 'Culture'];
    const page = ['Counting sums', ...menu.slice(0, 4), 'Counting sums', ...menu.slice(4), BODY[0], ...code, BODY[1]].join('\n');
    const lines = removed(page);
    expect(lines).not.toContain(0);
    expect(lines).not.toContain(5);
    expect(lines).toEqual([1, 2, 3, 4, 6, 7, 8, 9]);
  });

  it('leaves a clean article alone', () => {
    const article = ['A short history of the lighthouse', ...BODY, 'Keepers', ...BODY.map((s) => s.replace('lakes', 'coasts'))].join('\n');
    expect(removed(article)).toEqual([]);
    expect(writeRulePrograms(article, parseRuleSpec('prox-lines')).chunk.program).toBe('keep_chunk()');
  });

  it.each([
    ['prox.header_nav', [1, 2, 3]],
    ['prox.link_lines', [10, 11, 14, 15, 16]],
    ['prox.footer', [18, 19, 20, 21]],
  ] as const)('%s alone removes only its part', (key, lines) => {
    const got = evaluateRules(PAGE, onlyRule(key as RuleKey)).removals.map((r) => r.line);
    for (const line of lines) expect(got).toContain(line);
    expect(got.every((line) => ![0, 4, 5, 6, 7, 8, 9, 12, 13, 17].includes(line))).toBe(true);
  });

  it('combines with the FineWeb rules', () => {
    const both = removed(PAGE, 'fineweb+prox-lines');
    expect(both).toEqual(expect.arrayContaining(removed(PAGE, 'prox-lines')));
  });
});
