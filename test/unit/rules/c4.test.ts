import { describe, expect, it } from 'vitest';
import { parseRuleSpec } from '../../../main/rules/config';
import { evaluateRules, writeRulePrograms } from '../../../main/rules/write-programs';
import { onlyRule, onlyRules } from './helpers';

const SENTENCE = 'The river rose quickly after the storm.';
const removedLines = (text: string, config = parseRuleSpec('c4')): number[] => evaluateRules(text, config).removals.map((r) => r.line);

describe('C4 line rules (chunk stage)', () => {
  it('terminal punctuation: . ? ! " \' keep a line; anything else or a trailing ... removes it', () => {
    const lines = ['One two three.', 'One two three?', 'One two three!', 'He said "one two three"', "He said 'one two three'", 'One two three', 'One two three,', 'One two three...'];
    expect(removedLines(lines.join('\n'), onlyRule('c4.terminal_punct'))).toEqual([5, 6, 7]);
    const verdict = evaluateRules(lines.join('\n'), onlyRule('c4.terminal_punct'));
    expect(verdict.removals.map((r) => r.reason)).toEqual(['c4: no terminal punctuation', 'c4: no terminal punctuation', 'c4: ends with an ellipsis']);
  });

  it('words per line: 3 whitespace words keep a line, 2 remove it (counted before citations are removed)', () => {
    const text = ['one two three.', 'one two.', 'one two.[1]', 'one two [1].', '   spaced   out   words.  '].join('\n');
    const verdict = evaluateRules(text, onlyRules(['c4.min_words_per_line', 'c4.citations']));
    expect(verdict.removals.map((r) => [r.line, r.reason])).toEqual([
      [1, 'c4: words 2 < 3'],
      [2, 'c4: words 2 < 3'],
    ]);
  });

  it('max word length: a 1000-character word keeps the line, 1001 removes it', () => {
    const text = [`a b ${'x'.repeat(999)}.`, `a b ${'x'.repeat(1000)}.`].join('\n');
    expect(removedLines(text, onlyRule('c4.max_word_length'))).toEqual([1]);
  });

  it('javascript and policy phrases remove lines, case-insensitively', () => {
    const text = ['Please enable JavaScript in your browser.', 'Read our Privacy Policy today.', 'This site Uses Cookies a lot.', 'A line about rivers and lakes.'].join('\n');
    expect(removedLines(text, onlyRule('c4.javascript'))).toEqual([0]);
    expect(removedLines(text, onlyRule('c4.policy'))).toEqual([1, 2]);
    expect(evaluateRules(text, onlyRule('c4.policy')).removals[0]?.reason).toBe('c4: policy phrase "privacy policy"');
  });

  it('citations: markers become normalize calls and no longer block terminal punctuation', () => {
    const text = ['Water boils at 100 degrees.[1]', 'It was disputed.[citation needed]', 'History[edit]', 'Empty marker here.[]'].join('\n');
    const config = onlyRules(['c4.citations', 'c4.terminal_punct']);
    const verdict = evaluateRules(text, config);
    expect(verdict.removals.map((r) => r.line)).toEqual([2]);
    expect(verdict.normalizations.map((n) => n.source)).toEqual(['[1]', '[citation needed]', '[]']);
    const off = evaluateRules(text, onlyRule('c4.terminal_punct'));
    expect(off.removals.map((r) => r.line)).toEqual([0, 1, 2, 3]);
  });

  it('lorem ipsum drops the document, but only in a line that survived the line rules before it', () => {
    const body = Array.from({ length: 5 }, () => SENTENCE);
    const config = parseRuleSpec('c4');
    expect(evaluateRules([...body, 'Lorem ipsum dolor sit amet.'].join('\n'), config).failure?.rule).toBe('c4.lorem_ipsum');
    expect(evaluateRules([...body, 'lorem ipsum dolor'].join('\n'), config).failure).toBeUndefined();
  });

  it('a curly bracket drops the document, but not in a removed line', () => {
    const body = Array.from({ length: 5 }, () => SENTENCE);
    const config = parseRuleSpec('c4');
    expect(evaluateRules([...body, 'Set it to {"a": 1} now.'].join('\n'), config).failure?.reason).toBe('c4: line 5 contains a curly bracket');
    expect(evaluateRules([...body, 'function f() {'].join('\n'), config).failure).toBeUndefined();
    // Without the terminal-punctuation rule (FineWeb's C4) that same line survives and drops the document.
    expect(evaluateRules([...body, 'function f() {'].join('\n'), onlyRules(['c4.curly_bracket', 'c4.min_words_per_line'])).failure?.rule).toBe('c4.curly_bracket');
  });

  it('sentences: 5 in the kept lines keep the document, 4 drop it; removed lines do not count', () => {
    const config = onlyRules(['c4.min_sentences', 'c4.terminal_punct']);
    expect(evaluateRules('One is here. Two is here. Three is here.\nFour is here! Five is here?', config).failure).toBeUndefined();
    const four = evaluateRules('One is here. Two is here. Three is here.\nFour is here!\nFive is here', config);
    expect(four.failure?.reason).toBe('c4: sentences in kept lines 4 < 5');
  });

  it('the FineWeb preset runs C4 without the terminal-punctuation rule', () => {
    const text = ['A heading without a stop', ...Array.from({ length: 6 }, () => SENTENCE)].join('\n');
    expect(removedLines(text, parseRuleSpec('c4'))).toEqual([0]);
    expect(removedLines(text, parseRuleSpec('fineweb'))).toEqual([]);
  });

  it('writes merged remove_lines ranges with per-line reasons and normalize calls', () => {
    const text = ['Title line', 'Menu', 'A real sentence is here.[2]', 'ok', 'Another real sentence is here.'].join('\n');
    const { chunk } = writeRulePrograms(text, parseRuleSpec('c4,c4.min_sentences=off'));
    expect(chunk.program).toBe('remove_lines(start=0, end=1)\nremove_lines(start=3, end=3)\nnormalize(source_str="[2]", target_str="")');
    expect(chunk.notes).toEqual([
      { line: 0, reason: 'c4: no terminal punctuation', rules: [{ rule: 'c4.terminal_punct', start: 0, end: 1 }] },
      { line: 1, reason: 'c4: no terminal punctuation', rules: [{ rule: 'c4.terminal_punct', start: 3, end: 3 }] },
      { line: 2, reason: 'c4: citation marker [2]', rules: [{ rule: 'c4.citations' }] },
    ]);
  });
});
