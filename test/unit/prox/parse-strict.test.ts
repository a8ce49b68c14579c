/** Strict-mode parsing: real Python call syntax, located errors, never a throw. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideDoc, parseProgram } from '../../../main/prox/parse';
import { executeProgram } from '../../../main/prox/executor';

const parse = (text: string) => parseProgram(text);
const only = (text: string) => {
  const parsed = parse(text);
  expect(parsed.errors).toEqual([]);
  expect(parsed.operations).toHaveLength(1);
  return parsed.operations[0]!;
};
const error = (text: string) => {
  const parsed = parse(text);
  expect(parsed.operations).toEqual([]);
  expect(parsed.errors).toHaveLength(1);
  return parsed.errors[0]!;
};

describe('strict parser: accepted forms', () => {
  it('reads keyword, positional and mixed arguments with both spellings', () => {
    for (const text of ['remove_lines(line_start=2, line_end=5)', 'remove_lines(start=2, end=5)', 'remove_lines(2, 5)', 'remove_lines(2, end=5)', 'remove_lines(line_end=5, line_start=2)', '  remove_lines( 2 ,5, )  # nav bar']) {
      expect(only(text)).toMatchObject({ kind: 'remove_lines', start: 2, end: 5, all: false, source: text });
    }
    expect(only('remove_lines(all=True)')).toMatchObject({ all: true });
  });

  it('reads normalize with both spellings, positional, and a default empty target', () => {
    expect(only('normalize(source_str="a", target_str="b")')).toMatchObject({ from: 'a', to: 'b' });
    expect(only('normalize(source="a", target="b")')).toMatchObject({ from: 'a', to: 'b' });
    expect(only("normalize('ClickHere', '')")).toMatchObject({ from: 'ClickHere', to: '' });
    expect(only('normalize(source_str="a")')).toMatchObject({ from: 'a', to: '' });
  });

  it('keeps ",", ")", "=" and quotes inside strings (where the reference parser breaks)', () => {
    expect(only('normalize(source_str="foo, foo", target_str="x")')).toMatchObject({ from: 'foo, foo', to: 'x' });
    expect(only('normalize(source_str="http://a.com/?id=5", target_str="")')).toMatchObject({ from: 'http://a.com/?id=5' });
    expect(only('normalize(source_str="a (b) c", target_str="a=b")')).toMatchObject({ from: 'a (b) c', to: 'a=b' });
    expect(only(`normalize(source_str='say "hi"', target_str="it's")`)).toMatchObject({ from: 'say "hi"', to: "it's" });
    expect(only(`normalize(source_str="""a "quoted" b""", target_str='''x''')`)).toMatchObject({ from: 'a "quoted" b', to: 'x' });
  });

  it('decodes Python escapes, raw strings and adjacent literals', () => {
    expect(only(String.raw`normalize(source_str="a\tb\\c\"d\x41\u00e9\U0001F600\101", target_str="")`)).toMatchObject({ from: 'a\tb\\c"dAé😀A' });
    expect(only(String.raw`normalize(source_str="\d", target_str="")`)).toMatchObject({ from: '\\d' });
    expect(only(String.raw`normalize(source_str=r"\d\"", target_str="")`)).toMatchObject({ from: '\\d\\"' });
    expect(only(`normalize(source_str="ab" 'cd', target_str="")`)).toMatchObject({ from: 'abcd' });
  });

  it('reads the no-op calls and their aliases', () => {
    expect(only('drop_doc()')).toEqual({ kind: 'drop_doc', line: 0, source: 'drop_doc()' });
    expect(only('keep_doc()')).toMatchObject({ kind: 'keep_doc' });
    expect(only('keep_chunk()')).toMatchObject({ kind: 'keep_chunk', alias: 'keep_chunk' });
    expect(only('untouch_doc()')).toMatchObject({ kind: 'keep_chunk', alias: 'untouch_doc' });
    expect(only('skip_chunk()')).toMatchObject({ kind: 'keep_chunk', alias: 'skip_chunk' });
  });

  it('ignores blank lines, comments and code fences, and keeps program line numbers', () => {
    const parsed = parse('```python\n# Analysis: the first line is a menu\n\n    remove_lines(start=0, end=0)\r\n```');
    expect(parsed.errors).toEqual([]);
    expect(parsed.operations.map((op) => op.line)).toEqual([3]);
  });
});

describe('strict parser: located errors', () => {
  it('a prose line is an error at its first word', () => {
    expect(error('Here is the program:')).toMatchObject({ line: 0, column: 0, weight: 1 });
    expect(error('Here is the program:').kind).toBeUndefined();
    expect(error('  - remove the menu')).toMatchObject({ column: 2 });
  });

  it('a truncated call counts one error, located at the end', () => {
    const e = error('remove_lines(line_start=4, end');
    expect(e).toMatchObject({ weight: 1, kind: 'remove_lines' });
    expect(e.column).toBeGreaterThanOrEqual(27);
    expect(e.message).toMatch(/expected a value|not closed/);
    expect(error('remove_lines(line_start=4, line_end=5').message).toMatch(/not closed/);
  });

  it('reads a reversed range as an inert no-op, not an error (the reference removes nothing)', () => {
    const parsed = parseProgram('remove_lines(start=5, end=2)', 'strict');
    expect(parsed.errors).toEqual([]);
    expect(parsed.operations[0]).toMatchObject({ kind: 'remove_lines', start: 5, end: 2 });
    expect((parsed.operations[0] as { inert?: string }).inert).toMatch(/before line_start/);
  });

  it('names the problem for bad arguments', () => {
    expect(error('remove_lines(start=1)').message).toMatch(/line_end/);
    expect(error('remove_lines(start=1, stop=2)').message).toMatch(/no argument "stop"/);
    expect(error('remove_lines(start=1, line_start=2, end=3)').message).toMatch(/given twice/);
    expect(error('remove_lines(start=-1, end=2)').message).toMatch(/negative/);
    expect(error('remove_lines(start="1", end=2)').message).toMatch(/integer/);
    expect(error('remove_lines(start=1.5, end=2)').message).toMatch(/integer/);
    expect(error('remove_lines(all=True, start=1)').message).toMatch(/either all=True or a line range/);
    expect(error('remove_lines(start=1, 2)').message).toMatch(/positional argument cannot follow/);
    expect(error('normalize(target_str="x")').message).toMatch(/source_str/);
    expect(error('normalize(source_str="", target_str="x")').message).toMatch(/empty/);
    expect(error('normalize(source_str="a\\nb", target_str="x")').message).toMatch(/newline/);
    expect(error('normalize(source_str="abc, target_str="x")').message).toMatch(/expected "," or "\)"|unterminated/);
    expect(error('normalize(source_str="abc').message).toMatch(/unterminated/);
    expect(error('keep_chunk(1)').message).toMatch(/no arguments/);
    expect(error('frobnicate()').message).toMatch(/not an operation/);
    expect(error('remove_lines(start=1, end=2) remove_lines(start=3, end=4)').message).toMatch(/one call per line/);
  });

  it('locates the column of the offending argument', () => {
    expect(error('remove_lines(start=1, stop=2)').column).toBe('remove_lines(start=1, '.length);
  });

  it('every error counts 1 toward the cancel rule; 2 cancel the program', () => {
    const doc = Array.from({ length: 6 }, (_, i) => `line ${i} has some words in it`).join('\n');
    const one = executeProgram({ text: doc, chunkProgram: 'Sure!\nremove_lines(start=0, end=0)' });
    expect(one.errorCount).toBe(1);
    expect(one.text).toBe(doc.split('\n').slice(1).join('\n'));
    const two = executeProgram({ text: doc, chunkProgram: 'Sure!\nremove_lines(start=0, end=0)\nremove_lines(line_start=4, end' });
    expect(two.errorCount).toBe(2);
    expect(two.cancelled).toBe(true);
    expect(two.text).toBe(doc);
  });
});

describe('strict mode fixes what reference mode gets wrong', () => {
  const doc = ['Visit http://a.com/?id=5 today, or not', 'Sales: 5, 6, 7 units (approx) were sold yesterday in the store'].join('\n');
  const cases: { program: string; strict: string; reference: string }[] = [
    { program: 'normalize(source_str="http://a.com/?id=5", target_str="")', strict: doc.replace('http://a.com/?id=5', ''), reference: doc.replace('http://a.com/?id', '') },
    { program: 'normalize(source_str="5, 6, 7", target_str="five to seven")', strict: doc.replace('5, 6, 7', 'five to seven'), reference: doc },
    { program: 'normalize(source_str=" (approx)", target_str="")', strict: doc.replace(' (approx)', ''), reference: doc.replace(' (approx', '') },
    { program: "normalize(source_str='today', target_str='now')", strict: doc.replace('today', 'now'), reference: doc },
    { program: 'remove_lines(0, 0)', strict: doc.split('\n')[1]!, reference: doc },
    { program: 'x\n    remove_lines(start=0, end=0)', strict: doc.split('\n')[1]!, reference: doc },
  ];
  for (const c of cases) {
    it(c.program, () => {
      expect(executeProgram({ text: doc, chunkProgram: c.program, mode: 'strict' }).text).toBe(c.strict);
      expect(executeProgram({ text: doc, chunkProgram: c.program, mode: 'reference' }).text).toBe(c.reference);
    });
  }
});

describe('decideDoc', () => {
  it('reference: any "drop" substring drops, case-sensitively', () => {
    expect(decideDoc('drop_doc()', 'reference')).toEqual({ dropped: true, reason: 'doc program: drop_doc()' });
    expect(decideDoc("  I won't drop this", 'reference').dropped).toBe(true);
    expect(decideDoc('Drop_doc()', 'reference').dropped).toBe(false);
    expect(decideDoc('keep_doc()', 'reference')).toEqual({ dropped: false, reason: null });
    expect(decideDoc('', 'reference').dropped).toBe(false);
  });
  it('strict: drops only for a parsed drop_doc() call', () => {
    expect(decideDoc('drop_doc()')).toEqual({ dropped: true, reason: 'doc program: drop_doc()' });
    expect(decideDoc('# drop it\nkeep_doc()').dropped).toBe(false);
    expect(decideDoc("I won't drop this").dropped).toBe(false);
    expect(decideDoc('').dropped).toBe(false);
    expect(decideDoc('keep_doc()\n  drop_doc()  # spam').dropped).toBe(true);
  });
});

describe('strict parser: round trip (fast-check)', () => {
  /** Python string literals for `s` in several styles; every one must read back as `s`. */
  const render = (s: string, style: number): string => {
    const escape = (quote: string) =>
      Array.from(s, (c) => (c === '\\' || c === quote ? `\\${c}` : c < ' ' ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('');
    switch (style) {
      case 0: return JSON.stringify(s);
      case 1: return `'${escape("'")}'`;
      case 2: return `"""${escape('"')}"""`;
      default: return `"${escape('"')}"`;
    }
  };
  const TEXT = fc.string({ unit: fc.oneof(fc.constantFrom(',', ')', '(', '=', '"', "'", '\\', '#', ' ', '\t', '\r', 'a', 'é'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 12 })
    .filter((s) => !s.includes('\n'));

  it('normalize(...) reads back any string, in any quoting, spelling and spacing', () => {
    fc.assert(fc.property(TEXT.filter((s) => s.length > 0), TEXT, fc.nat(3), fc.nat(3), fc.constantFrom('source_str=', 'source=', ''), fc.constantFrom(' ', '', '  '), (from, to, styleFrom, styleTo, keyword, space) => {
      const targetKeyword = keyword === '' ? '' : keyword.replace('source', 'target');
      const line = `normalize(${keyword}${render(from, styleFrom)},${space}${targetKeyword}${render(to, styleTo)})${space}`;
      const parsed = parseProgram(line);
      expect(parsed.errors).toEqual([]);
      expect(parsed.operations).toEqual([{ kind: 'normalize', line: 0, source: line, from, to }]);
    }), { numRuns: 500 });
  });

  it('remove_lines(...) reads back any valid range in any spelling', () => {
    fc.assert(fc.property(fc.nat(100_000), fc.nat(100), fc.constantFrom(['line_start=', 'line_end='], ['start=', 'end='], ['', ''], ['', 'end=']), (start, length, [a, b]) => {
      const line = `remove_lines(${a}${start}, ${b}${start + length})`;
      expect(parseProgram(line).operations).toEqual([{ kind: 'remove_lines', line: 0, source: line, start, end: start + length, all: false }]);
    }), { numRuns: 200 });
  });
});
