/** Reference-mode parsing: GAIR-NLP/ProX's string slicing, quirks included (utils/chunk_utils.py). */
import { describe, expect, it } from 'vitest';
import { parseProgram } from '../../../main/prox/parse';
import { pythonInt } from '../../../main/prox/parse-reference';

const parse = (text: string) => parseProgram(text, 'reference');
const weight = (text: string) => parse(text).errors.reduce((sum, e) => sum + e.weight, 0);

describe('reference parser', () => {
  it('reads both keyword spellings and ignores the keyword names', () => {
    for (const text of ['remove_lines(line_start=2, line_end=5)', 'remove_lines(start=2, end=5)', 'remove_lines(a=2, b=5)', 'remove_lines( line_start = 2 , line_end = 5 )']) {
      expect(parse(text).operations).toEqual([{ kind: 'remove_lines', line: 0, source: text, start: 2, end: 5, all: false }]);
    }
  });

  it('takes the integer between the first and second "=" of a piece', () => {
    expect(parse('remove_lines(x=1=2, y=3)').operations[0]).toMatchObject({ start: 1, end: 3 });
  });

  it('counts one error for positional arguments and skips the call', () => {
    const parsed = parse('remove_lines(0, 0)');
    expect(parsed.operations).toEqual([]);
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]).toMatchObject({ line: 0, weight: 1, kind: 'remove_lines' });
  });

  it('counts two errors for a call cut off after a keyword (no ")" and no integer)', () => {
    expect(weight('remove_lines(line_start=4, end')).toBe(2);
  });

  it('without ")" drops the last character and still applies what it reads', () => {
    const parsed = parse('remove_lines(line_start=4, end=57');
    expect(parsed.operations[0]).toMatchObject({ start: 4, end: 5 });
    expect(weight('remove_lines(line_start=4, end=57')).toBe(1);
  });

  it('counts an error for a call without "("', () => {
    expect(weight('remove_lines')).toBe(1);
    expect(weight('normalize source_str="a"')).toBe(1);
    expect(parse('remove_lines').operations).toEqual([]);
  });

  it('recognises all=True anywhere on a remove_lines line', () => {
    expect(parse('remove_lines(start=1, end=2) # all=True').operations[0]).toMatchObject({ all: true });
    expect(parse('remove_lines(all=True)').operations[0]).toMatchObject({ all: true });
    expect(parse('remove_lines(all=True)').errors).toEqual([]);
  });

  it('ignores indented lines except the first (only the whole program is space-stripped)', () => {
    const parsed = parse('   remove_lines(start=1, end=1)\n  remove_lines(start=3, end=3)\n\tnormalize(source_str="a", target_str="b")');
    expect(parsed.operations.map((op) => op.line)).toEqual([0]);
    expect(parsed.operations[0]!.source).toBe('   remove_lines(start=1, end=1)');
  });

  it('strips only double quotes from strings, and truncates at "=" and ")"', () => {
    expect(parse('normalize(source_str="foo", target_str="bar")').operations[0]).toMatchObject({ from: 'foo', to: 'bar' });
    expect(parse("normalize(source_str='foo', target_str='bar')").operations[0]).toMatchObject({ from: "'foo'", to: "'bar'" });
    expect(parse('normalize(source_str="http://a.com/?id=5", target_str="")').operations[0]).toMatchObject({ from: 'http://a.com/?id', to: '' });
    expect(parse('normalize(source_str="a (b) c", target_str="x")').operations[0]).toMatchObject({ from: 'a (b', to: '' });
  });

  it('a single-piece normalize deletes its source; an empty or one-space 2-piece source is inert', () => {
    expect(parse('normalize(source_str="foo")').operations[0]).toMatchObject({ from: 'foo', to: '' });
    expect(parse('normalize(source_str="foo")').operations[0]).not.toHaveProperty('inert');
    expect(parse('normalize(source_str=" ")').operations[0]).not.toHaveProperty('inert');
    expect(parse('normalize(source_str=" ", target_str="x")').operations[0]).toHaveProperty('inert');
    expect(parse('normalize(source_str="", target_str="x")').operations[0]).toHaveProperty('inert');
  });

  it('a normalize whose arguments split into 3+ pieces is inert and costs nothing', () => {
    const parsed = parse('normalize(source_str="a, b", target_str="c")');
    expect(parsed.errors).toEqual([]);
    expect(parsed.operations[0]).toHaveProperty('inert');
  });

  it('ignores prose, comments, fences and unknown calls without errors, and lists no-op calls', () => {
    const parsed = parse('```python\n# Analysis: menu\nHere is the program\nfoo(1)\nkeep_chunk()\nuntouch_doc()\nskip_chunk()\ndrop_doc()\n```');
    expect(parsed.errors).toEqual([]);
    expect(parsed.operations.map((op) => [op.line, op.kind])).toEqual([[4, 'keep_chunk'], [5, 'keep_chunk'], [6, 'keep_chunk'], [7, 'drop_doc']]);
  });

  it('matches names by prefix, as startswith does', () => {
    expect(parse('remove_linesX(start=1, end=2)').operations[0]).toMatchObject({ kind: 'remove_lines', start: 1, end: 2 });
  });

  it('keeps reversed and negative ranges as written', () => {
    expect(parse('remove_lines(start=3, end=1)').operations[0]).toMatchObject({ start: 3, end: 1 });
    expect(parse('remove_lines(start=-2, end=1)').operations[0]).toMatchObject({ start: -2, end: 1 });
  });
});

describe('pythonInt', () => {
  it('accepts what Python int() accepts for decimal strings', () => {
    expect(pythonInt(' 12 ')).toBe(12);
    expect(pythonInt('+7')).toBe(7);
    expect(pythonInt('-3')).toBe(-3);
    expect(pythonInt('1_000')).toBe(1000);
    expect(pythonInt('\u00a05\u3000')).toBe(5);
    expect(pythonInt('-0')).toBe(0);
  });
  it('rejects what Python int() rejects', () => {
    for (const s of ['', ' ', '1.0', '0x10', '1 0', '_1', '1_', '1__0', '+', '- 1', 'one']) expect(pythonInt(s)).toBeNull();
  });
});
