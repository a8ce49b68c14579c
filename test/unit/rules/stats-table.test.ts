/** `refinery stats`: the rule table says the same three figures as the Stats screen, under headers that name them. */
import { describe, expect, it } from 'vitest';
import type { Stats } from '../../../contract/api';
import { formatStats } from '../../../main/cli/stats';

const stats: Stats = {
  documents: { before: 20, after: 11 },
  words: { before: 20000, after: 9000 },
  tokens: { before: 26000, after: 12000, estimated: true },
  refined: { doc: 20, chunk: 11, ultrax: 0 },
  failed: { documents: 0, doc: 0, chunk: 0, ultrax: 0 },
  operations: { drop_doc: 9, keep_doc: 11, remove_lines: 40 },
  rules: {
    'web.min_prose_words': { pages: 9, dropped: 9, lines: 0, description: 'drop: fewer words of running text left after line cleaning' },
    'web.menus': { pages: 8, dropped: 0, lines: 550, description: 'remove runs of short link-like lines' },
    'a reason from a hand edit': { pages: 2, dropped: 1, lines: 3, description: null },
  },
  lengthHistogram: { edges: [0, 1024, 2048], before: [5, 15], after: [9, 2] },
};

describe('refinery stats: what each rule took', () => {
  const lines = formatStats(stats).split('\n');
  const header = lines.findIndex((line) => line === 'what each rule took:');
  const columns = (rule: string): number[] => {
    const row = lines.find((line) => line.includes(`  ${rule}`)) ?? '';
    return (row.split(rule)[0] ?? '').trim().split(/\s+/).map(Number);
  };

  it('names its columns: pages dropped, pages changed (not dropped), lines removed', () => {
    expect(header).toBeGreaterThan(0);
    expect(lines[header + 1]).toMatch(/pages dropped\s+pages changed\s+lines removed\s+rule$/);
  });

  it('a page rule counts its pages as dropped, a line rule as changed, a mixed reason both', () => {
    expect(columns('web.min_prose_words')).toEqual([9, 0, 0]);
    expect(columns('web.menus')).toEqual([0, 8, 550]);
    expect(columns('a reason from a hand edit')).toEqual([1, 1, 3]);
  });
});
