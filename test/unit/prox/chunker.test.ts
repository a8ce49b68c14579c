import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkDocument, mergeChunkPrograms, mergeChunks, numberLine, type Chunk } from '../../../main/prox/chunker';
import { estimateLlamaTokens, type TokenCounter } from '../../../main/prox/tokens';
import { splitWords } from '../../../main/prox/words';
import { loadLlamaSpmTokenizer } from '../../support/llama-vocab';

/** A counter unrelated to any vocabulary: one token per whitespace-separated word. */
const wordCounter: TokenCounter = { count: (text) => splitWords(text).length };

const words = (n: number, word = 'the'): string => Array.from({ length: n }, () => word).join(' ');

/** The document of the reference's chunking vector (utils/chunk_utils.py): five 300-word lines, one ~2000-token line, one short line. */
function referenceChunkingDocument(): string {
  return [...Array.from({ length: 5 }, () => words(300)), words(2000), 'short last line'].join('\n');
}

const spans = (chunks: Chunk[]): [number, number][] => chunks.map((c) => [c.firstLine, c.lastLine]);

describe('numberLine', () => {
  it('uses the reference format: zero-padded to 3 digits, wider beyond 999, no space after the bracket', () => {
    expect(numberLine(0, 'Home | About')).toBe('[000]Home | About');
    expect(numberLine(7, '')).toBe('[007]');
    expect(numberLine(999, 'x')).toBe('[999]x');
    expect(numberLine(1234, '...')).toBe('[1234]...');
    expect(numberLine(123456, ' a')).toBe('[123456] a');
  });
});

describe('chunkDocument', () => {
  it('gives zero chunks for an empty document', () => {
    expect(chunkDocument('')).toEqual([]);
  });

  it('splits on "\\n" only: a trailing newline gives an empty last line, "\\r" stays in its line', () => {
    const [chunk] = chunkDocument('Home | About\r\nWelcome to the page.\nSome body text.\n', { counter: wordCounter });
    expect(chunk!.text).toBe('[000]Home | About\r\n[001]Welcome to the page.\n[002]Some body text.\n[003]');
    expect(chunk).toMatchObject({ index: 0, firstLine: 0, lastLine: 3, lines: 4, overlong: false, skipped: false });
  });

  it('charges each line its numbered-line count plus 1 (the BOS the reference counts)', () => {
    const [chunk] = chunkDocument('a b c\nd', { counter: wordCounter });
    // "[000]a b c" is 3 words, "[001]d" is 1 word; +1 per line.
    expect(chunk!.tokens).toBe(3 + 1 + 1 + 1);
  });

  it('reproduces the reference chunking vector with a word counter (4 chunks, over-long line alone)', () => {
    const chunks = chunkDocument(referenceChunkingDocument(), { counter: wordCounter });
    expect(spans(chunks)).toEqual([[0, 3], [4, 4], [5, 5], [6, 6]]);
    expect(chunks.map((c) => c.tokens)).toEqual([4 * 301, 301, 2001, 4]);
    expect(chunks.map((c) => c.overlong)).toEqual([false, false, true, false]);
    expect(chunks.map((c) => c.skipped)).toEqual([false, false, true, false]);
    expect(chunks.map((c) => c.index)).toEqual([0, 1, 2, 3]);
  });

  it('reproduces the reference chunking vector with the real Llama-2 tokenizer (1224 tokens in the first chunk)', async (ctx) => {
    const tokenizer = await loadLlamaSpmTokenizer();
    if (typeof tokenizer === 'string') return ctx.skip(`Llama SPM vocab unavailable: ${tokenizer}`);
    const chunks = chunkDocument(referenceChunkingDocument(), { counter: tokenizer });
    expect(spans(chunks)).toEqual([[0, 3], [4, 4], [5, 5], [6, 6]]);
    // "[000]" is 5 tokens, "the" + 299 x "▁the" is 300, +1 for the BOS: 306 per line.
    expect(chunks[0]!.tokens).toBe(1224);
    expect(chunks[2]!.overlong).toBe(true);
  });

  it("sends over-long lines in 'send' (reference) mode and skips them by default", () => {
    const text = `${words(10)}\n${words(50)}\n${words(10)}`;
    const skipped = chunkDocument(text, { counter: wordCounter, budget: 30 });
    const sent = chunkDocument(text, { counter: wordCounter, budget: 30, overlong: 'send' });
    expect(spans(skipped)).toEqual([[0, 0], [1, 1], [2, 2]]);
    expect(skipped[1]).toMatchObject({ overlong: true, skipped: true });
    expect(sent[1]).toMatchObject({ overlong: true, skipped: false });
    expect(spans(sent)).toEqual(spans(skipped));
  });

  it('rejects a budget that is not a positive number', () => {
    expect(() => chunkDocument('a', { budget: 0 })).toThrow(/positive/);
    expect(() => chunkDocument('a', { budget: Number.NaN })).toThrow(/positive/);
  });

  it('uses the Llama-2 estimate when no counter is given', () => {
    const text = 'Home | About\nWelcome to the page.\nSome body text.';
    const [chunk] = chunkDocument(text);
    const expected = text.split('\n').reduce((sum, line, i) => sum + estimateLlamaTokens(numberLine(i, line)) + 1, 0);
    expect(chunk!.tokens).toBe(expected);
  });

  it('packs greedily: chunks cover every line once, in order, within budget, and none could take the next line', () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'é', '\r', '😀', ','), maxLength: 40 });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 60 }), fc.boolean(), (lines, budget, send) => {
        const text = lines.join('\n');
        const counter: TokenCounter = { count: (t) => t.length };
        const chunks = chunkDocument(text, { counter, budget, overlong: send ? 'send' : 'skip' });
        if (text === '') {
          expect(chunks).toEqual([]);
          return;
        }
        const cost = (i: number): number => numberLine(i, lines[i]!).length + 1;
        let next = 0;
        for (const [k, chunk] of chunks.entries()) {
          expect(chunk.index).toBe(k);
          expect(chunk.firstLine).toBe(next);
          expect(chunk.lines).toBe(chunk.lastLine - chunk.firstLine + 1);
          const own = lines.slice(chunk.firstLine, chunk.lastLine + 1);
          expect(chunk.text).toBe(own.map((l, j) => numberLine(chunk.firstLine + j, l)).join('\n'));
          let total = 0;
          for (let i = chunk.firstLine; i <= chunk.lastLine; i++) total += cost(i);
          expect(chunk.tokens).toBe(total);
          if (chunk.overlong) {
            expect(chunk.lines).toBe(1);
            expect(chunk.tokens).toBeGreaterThan(budget);
            expect(chunk.skipped).toBe(!send);
          } else {
            expect(chunk.tokens).toBeLessThanOrEqual(budget);
            expect(chunk.skipped).toBe(false);
          }
          if (chunk.lastLine + 1 < lines.length) expect(chunk.tokens + cost(chunk.lastLine + 1)).toBeGreaterThan(budget);
          next = chunk.lastLine + 1;
        }
        expect(next).toBe(lines.length);
        // Stripping the numbers and re-joining gives back the document.
        const unnumbered = chunks.flatMap((c) => c.text.split('\n')).map((l) => l.replace(/^\[\d{3,}\]/, ''));
        expect(unnumbered.join('\n')).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('mergeChunkPrograms / mergeChunks', () => {
  it('joins chunk programs with "\\n" like the reference chunk_program, empty programs giving empty lines', () => {
    expect(mergeChunkPrograms(['remove_lines(start=0, end=1)', '', 'untouch_doc()'])).toBe('remove_lines(start=0, end=1)\n\nuntouch_doc()');
    expect(mergeChunkPrograms([])).toBe('');
  });

  it('regroups per-chunk items per document (reference vector)', () => {
    expect(mergeChunks(['a', 'b', 'c', 'd'], [1, 0, 3])).toEqual(['a', '', 'b\nc\nd']);
    expect(mergeChunks([], [0, 0])).toEqual(['', '']);
  });

  it('says what is wrong when the counts do not match the items', () => {
    expect(() => mergeChunks(['a', 'b'], [1])).toThrow(/summing to 2.*got sum 1/);
    expect(() => mergeChunks(['a'], [2, -1])).toThrow(/non-negative/);
  });
});
