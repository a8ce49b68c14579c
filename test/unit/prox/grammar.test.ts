import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chunkGrammar, docGrammar, integerRangeGbnf } from '../../../main/prox/grammar';
import { parseProgram } from '../../../main/prox/parse';
import { parseGbnf, sample, seededRandom } from '../../support/gbnf-sampler';

const SAMPLES = 1500;
/** A chunk's line range crossing a digit-length boundary. */
const RANGE = { firstLine: 95, lastLine: 1012 };

/** llama.cpp's own grammar engine: does the whole text complete the grammar? */
type GrammarCheck = (gbnf: string, text: string) => boolean;

let llamaCheck: GrammarCheck | string;

beforeAll(async () => {
  try {
    const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    const grammars = new Map<string, { _testText(text: string): boolean }>();
    for (const gbnf of [docGrammar(), chunkGrammar(), chunkGrammar(RANGE)]) {
      // _testText is node-llama-cpp's (internal) wrapper of llama_grammar_accept over the text's code points.
      grammars.set(gbnf, (await llama.createGrammar({ grammar: gbnf })) as unknown as { _testText(text: string): boolean });
    }
    llamaCheck = (gbnf, text) => grammars.get(gbnf)!._testText(text);
  } catch (error) {
    llamaCheck = `node-llama-cpp could not load llama.cpp here: ${String(error)}`;
  }
});

/**
 * Line numbers are not capped, so samples reach past 2^53, where the parser's number is the
 * nearest double (such a line is out of range of any document either way).
 */
function expectLineNumber(parsed: number, literal: string, context: string): void {
  const exact = Number(literal);
  if (Number.isSafeInteger(exact)) expect(parsed, context).toBe(exact);
  else expect(Math.abs(parsed - exact) / exact, context).toBeLessThan(1e-12);
}

/** Python string-literal unescaping for the two escapes the grammar allows. */
const unescape = (s: string): string => s.replace(/\\(["\\])/g, '$1');
const REMOVE = /^remove_lines\(start=(\d+), end=(\d+)\)$/;
const NORMALIZE = /^normalize\(source_str="((?:[^"\\]|\\.)*)", target_str="((?:[^"\\]|\\.)*)"\)$/;

describe('docGrammar / chunkGrammar', () => {
  it('are accepted by llama.cpp (node-llama-cpp createGrammar)', (ctx) => {
    if (typeof llamaCheck === 'string') return ctx.skip(llamaCheck);
    // createGrammar threw in beforeAll otherwise; a known program must complete each grammar.
    expect(llamaCheck(docGrammar(), ' drop_doc()')).toBe(true);
    expect(llamaCheck(chunkGrammar(), ' untouch_doc()')).toBe(true);
  });

  it('doc grammar: exactly drop_doc() / keep_doc(), optional leading space', (ctx) => {
    if (typeof llamaCheck === 'string') return ctx.skip(llamaCheck);
    const g = docGrammar();
    for (const ok of ['drop_doc()', 'keep_doc()', ' drop_doc()', ' keep_doc()']) expect(llamaCheck(g, ok), ok).toBe(true);
    for (const bad of ['', ' ', '  drop_doc()', 'drop_doc', 'Drop_doc()', 'drop_doc() ', 'drop_doc()\nkeep_doc()', 'untouch_doc()']) {
      expect(llamaCheck(g, bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('chunk grammar: the released spelling only, nothing capped, comments and a trailing newline allowed', (ctx) => {
    if (typeof llamaCheck === 'string') return ctx.skip(llamaCheck);
    const g = chunkGrammar();
    const call = 'remove_lines(start=1, end=2)';
    const url = `https://example.com/${'very-long-path-segment/'.repeat(12)}?utm_source=newsletter&id=${'9'.repeat(30)}`;
    const accepted = [
      'untouch_doc()',
      ` ${call}`,
      `remove_lines(start=0, end=${'9'.repeat(12)})`,
      // The old grammar stopped at 14 calls and 48-character strings.
      Array.from({ length: 40 }, () => call).join('\n'),
      `normalize(source_str="${url}", target_str="")`,
      `normalize(source_str="x", target_str="${'y'.repeat(200)}")`,
      'normalize(source_str="a, b) = \\"c\\" \\\\ é 😀", target_str="d")',
      `${call}\n`,
      'untouch_doc()\n',
      `# Analysis: the first two lines are a menu\n${call}`,
      ` # menu\n${call}\n# footer next\n${call}\n`,
      `${call}\n# done`,
      'untouch_doc()\n# nothing to remove',
      '# one\n# two\nuntouch_doc()',
      '#\nuntouch_doc()',
    ];
    const rejected = [
      '',
      '\n',
      'keep_chunk()',
      'skip_chunk()',
      'untouch_doc()\nuntouch_doc()',
      `untouch_doc()\n${call}`,
      `${call}\nuntouch_doc()`,
      'remove_lines(line_start=1, line_end=2)',
      'remove_lines(1, 2)',
      'remove_lines(start=01, end=2)',
      `${call}\n\n`,
      `${call}\n\n${call}`,
      `\n${call}`,
      '# only a comment',
      ` # comment\n`,
      'normalize(source_str="", target_str="x")',
      'normalize(source_str="a\nb", target_str="")',
      'normalize(source_str="a"b", target_str="")',
      'normalize(source_str="a\\nb", target_str="")',
      "normalize(source_str='a', target_str='')",
    ];
    for (const text of accepted) expect(llamaCheck(g, text), JSON.stringify(text)).toBe(true);
    for (const text of rejected) expect(llamaCheck(g, text), JSON.stringify(text)).toBe(false);
  });

  it('every doc-grammar string is accepted by llama.cpp and parses in strict mode as one doc call', (ctx) => {
    const grammar = parseGbnf(docGrammar());
    const random = seededRandom(1);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const text = sample(grammar, random);
      seen.add(text);
      if (typeof llamaCheck !== 'string') expect(llamaCheck(docGrammar(), text), JSON.stringify(text)).toBe(true);
      const parsed = parseProgram(text, 'strict');
      expect(parsed.errors, JSON.stringify(text)).toEqual([]);
      expect(parsed.operations.map((op) => op.kind)).toEqual([text.includes('drop') ? 'drop_doc' : 'keep_doc']);
    }
    // The whole (finite) language was reached.
    expect([...seen].sort()).toEqual([' drop_doc()', ' keep_doc()', 'drop_doc()', 'keep_doc()']);
    if (typeof llamaCheck === 'string') ctx.skip(`parsed only, not checked by llama.cpp: ${llamaCheck}`);
  });

  /*
   * One constraint is beyond any grammar: start <= end. Comparing two numbers digit by digit
   * needs crossing dependencies a context-free grammar cannot express (short of listing every
   * pair), so the grammar admits reversed ranges; strict mode reads each as an inert no-op
   * without error, as the reference does. The test pins that down exactly: no sample has an
   * error, and precisely its reversed ranges are inert.
   */
  it(`every chunk-grammar string (${SAMPLES} random samples) is accepted by llama.cpp and parses in strict mode; reversed ranges are inert, never errors`, () => {
    const gbnf = chunkGrammar();
    const grammar = parseGbnf(gbnf);
    const random = seededRandom(2024);
    let normalizes = 0;
    let longPrograms = 0;
    let comments = 0;
    let trailingNewlines = 0;
    let cleanSamples = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const text = sample(grammar, random, { unboundedCap: 24 });
      const context = `sample ${i}: ${JSON.stringify(text)}`;
      if (typeof llamaCheck !== 'string') expect(llamaCheck(gbnf, text), context).toBe(true);
      const parsed = parseProgram(text, 'strict');
      const lines = text.replace(/^ /, '').split('\n');
      if (lines.at(-1) === '') {
        trailingNewlines++;
        lines.pop();
      }
      const callLines = lines.flatMap((line, k) => (line.startsWith('#') ? [] : [k]));
      comments += lines.length - callLines.length;
      if (callLines.length > 14) longPrograms++;
      const reversed = lines.flatMap((line, k) => {
        const m = REMOVE.exec(line);
        return m && BigInt(m[1]!) > BigInt(m[2]!) ? [k] : [];
      });
      expect(parsed.errors, context).toEqual([]);
      if (reversed.length === 0) cleanSamples++;
      expect(parsed.operations.map((op) => op.line), context).toEqual(callLines);
      const inert = parsed.operations.flatMap((op) => (op.kind === 'remove_lines' && op.inert !== undefined ? [op.line] : []));
      expect(inert, context).toEqual(reversed);
      for (const op of parsed.operations) {
        const line = lines[op.line]!;
        expect(line.startsWith('#'), context).toBe(false);
        if (line === 'untouch_doc()') {
          expect(op, context).toMatchObject({ kind: 'keep_chunk', alias: 'untouch_doc' });
          continue;
        }
        const remove = REMOVE.exec(line);
        if (remove) {
          expect(op.kind, context).toBe('remove_lines');
          if (op.kind !== 'remove_lines') continue;
          expectLineNumber(op.start, remove[1]!, context);
          expectLineNumber(op.end, remove[2]!, context);
          continue;
        }
        const normalize = NORMALIZE.exec(line);
        expect(normalize, context).not.toBeNull();
        normalizes++;
        expect(op, context).toMatchObject({ kind: 'normalize', from: unescape(normalize![1]!), to: unescape(normalize![2]!) });
      }
    }
    // The samples exercised the interesting parts of the language, not just untouch_doc().
    expect(normalizes).toBeGreaterThan(SAMPLES / 2);
    expect(longPrograms).toBeGreaterThan(10);
    expect(comments).toBeGreaterThan(SAMPLES / 4);
    expect(trailingNewlines).toBeGreaterThan(SAMPLES / 4);
    expect(cleanSamples).toBeGreaterThan(SAMPLES / 4);
  });

  it('restricts line numbers to the chunk range when given one (llama.cpp and random samples)', (ctx) => {
    if (typeof llamaCheck === 'string') return ctx.skip(llamaCheck);
    const gbnf = chunkGrammar(RANGE);
    const call = (a: number, b: number): string => `remove_lines(start=${a}, end=${b})`;
    for (const [a, b] of [[95, 95], [95, 1012], [99, 100], [1000, 1012], [500, 999]]) expect(llamaCheck(gbnf, call(a, b)), call(a, b)).toBe(true);
    for (const [a, b] of [[94, 100], [95, 1013], [0, 5], [1100, 1100], [95, 10120]]) expect(llamaCheck(gbnf, call(a, b)), call(a, b)).toBe(false);
    const grammar = parseGbnf(gbnf);
    const random = seededRandom(7);
    for (let i = 0; i < 300; i++) {
      const text = sample(grammar, random);
      expect(llamaCheck(gbnf, text), text).toBe(true);
      for (const op of parseProgram(text, 'strict').operations) {
        if (op.kind !== 'remove_lines') continue;
        for (const n of [op.start, op.end]) {
          expect(n).toBeGreaterThanOrEqual(RANGE.firstLine);
          expect(n).toBeLessThanOrEqual(RANGE.lastLine);
        }
      }
    }
  });
});

describe('integerRangeGbnf', () => {
  /** The alternatives use only "d" literals and [a-b] classes, which read the same as a regex. */
  const asRegex = (gbnf: string): RegExp =>
    new RegExp(`^(?:${gbnf.split(' | ').map((alt) => alt.replace(/"(\d)"/g, '$1').replaceAll(' ', '')).join('|')})$`);

  it('matches exactly lo..hi, without leading zeros, for every pair up to 1200', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 0, max: 1200 }), (x, y) => {
        const [lo, hi] = x <= y ? [x, y] : [y, x];
        const re = asRegex(integerRangeGbnf(lo, hi));
        for (let n = 0; n <= 1300; n++) expect(re.test(String(n)), `${n} in ${lo}..${hi}`).toBe(n >= lo && n <= hi);
        expect(re.test(`0${lo}`)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('handles wide ranges and rejects bad ones with the reason', () => {
    const re = asRegex(integerRangeGbnf(8, 123456));
    for (const n of [8, 9, 10, 99999, 100000, 123456]) expect(re.test(String(n)), String(n)).toBe(true);
    for (const n of [0, 7, 123457, 200000, 1000000]) expect(re.test(String(n)), String(n)).toBe(false);
    expect(() => integerRangeGbnf(5, 4)).toThrow(/firstLine <= lastLine/);
    expect(() => integerRangeGbnf(-1, 4)).toThrow(/0 <= firstLine/);
  });
});
