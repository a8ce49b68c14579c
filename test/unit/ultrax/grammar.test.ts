/**
 * The UltraX grammar admits exactly the function space: every string it generates is read by
 * the reference parser as calls and comments only, and the spellings UltraX stores programs in
 * (functions_to_string) are all admitted.
 */
import { describe, expect, it } from 'vitest';
import { executeUltrax, functionsToString, parseUltraxProgram, ultraxGrammar } from '../../../main/ultrax';
import { parseGbnf, sample, seededRandom } from '../../support/gbnf-sampler';

const grammar = parseGbnf(ultraxGrammar());

/** A tiny matcher for the grammar's own shapes, to check that given strings are admitted. */
const LINE = new RegExp(
  String.raw`^(keep_all\(\)|remove_all\(\)|remove_lines\(\d+, \d+\)|replace_str\(\d+, (${'STR'}), (${'STR'})\)|add_line\(\d+, -?\d+, (${'STR'})\)|#[^\n]*)$`.replaceAll(
    'STR',
    String.raw`'(?:[^'\\\x00-\x1f\x7f]|\\[^\x00-\x1f\x7f])*'|"(?:[^"\\\x00-\x1f\x7f]|\\[^\x00-\x1f\x7f])*"`,
  ),
);

describe('UltraX GBNF', () => {
  it('everything it generates parses as calls and comments', () => {
    const random = seededRandom(14);
    let calls = 0;
    for (let i = 0; i < 2000; i++) {
      const text = sample(grammar, random);
      const lines = text.split('\n').filter((l, k, all) => !(k === all.length - 1 && l === ''));
      const parsed = parseUltraxProgram(text);
      const comments = parsed.ignored.filter((x) => x.reason === 'comment').length;
      expect(parsed.ignored.filter((x) => x.reason !== 'comment'), text).toEqual([]);
      expect(parsed.calls.length + comments + lines.filter((l) => l.trim() === '').length, text).toBe(lines.length);
      calls += parsed.calls.length;
    }
    expect(calls).toBeGreaterThan(1000);
  });

  it('admits every program UltraX stores (repr strings, either quote, escapes)', () => {
    const program = functionsToString([
      { kind: 'remove_lines', line: 0, start: 1, end: 12 },
      { kind: 'replace_str', line: 1, lineNumber: 3, search: "it's", replace: 'it is' },
      { kind: 'replace_str', line: 2, lineNumber: 4, search: 'a\tb\\c "q"', replace: 'x\u00a0y' },
      { kind: 'add_line', line: 3, base: 5, subIndex: 1, content: 'Title: \u{1F600}\nsecond' },
      { kind: 'keep_all', line: 4 },
    ]);
    for (const line of program.split('\n')) expect(line, line).toMatch(LINE);
    expect(executeUltrax({ text: 'a\nb', program }).calls).toHaveLength(5);
  });

  it('has no caps: long strings and many calls are admitted (only the token budget stops a model)', () => {
    const many = Array.from({ length: 200 }, (_, i) => `remove_lines(${i + 1}, ${i + 1})`).join('\n');
    for (const line of many.split('\n')) expect(line).toMatch(LINE);
    expect(`replace_str(1, '${'x'.repeat(5000)}', '')`).toMatch(LINE);
  });
});
