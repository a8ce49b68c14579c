import { describe, expect, it } from 'vitest';
import { carryLines, carryNotes, mapProgramLines } from '../../../main/execution/line-map';

describe('mapProgramLines', () => {
  it('follows unchanged lines through inserted, deleted and changed lines', () => {
    const before = ['a()', 'b()', 'c()', 'd()'].join('\n');
    expect([...mapProgramLines(before, before)]).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    // Inserted at the top, b changed, d deleted.
    const after = ['x()', 'a()', 'B()', '  c()  '].join('\n');
    const map = mapProgramLines(before, after);
    expect(map.get(0)).toBe(1);
    expect(map.has(1)).toBe(false);
    expect(map.get(2)).toBe(3);
    expect(map.has(3)).toBe(false);
  });

  it('matches lines in the middle after a change at both ends', () => {
    const map = mapProgramLines('p()\nq()\nr()\ns()', 'P()\nr()\nq()\nr()\nS()');
    // q and r keep their order; one of the two r()s is q's neighbour.
    expect(map.get(1)).toBe(2);
    expect(map.get(2)).toBe(3);
    expect(map.has(0)).toBe(false);
    expect(map.has(3)).toBe(false);
  });

  it('carries notes and switched-off lines to their new numbers, dropping those of changed lines', () => {
    const map = mapProgramLines('a()\nb()\nc()', 'new()\na()\nc()');
    expect(carryNotes([{ line: 0, reason: 'A' }, { line: 1, reason: 'B' }, { line: 2, reason: 'C' }], map)).toEqual([
      { line: 1, reason: 'A' },
      { line: 2, reason: 'C' },
    ]);
    expect(carryLines([2, 1], map)).toEqual([2]);
  });
});
