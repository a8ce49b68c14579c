/**
 * The single-scan shortcuts of the rules against plain per-line / per-item computations on
 * random text: per-line word counts and longest words (from the tokenizer's scan and from the
 * line scan), find_duplicates, and the bullet/ellipsis line counts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DocumentView } from '../../../main/rules/document-view';
import { findDuplicates } from '../../../main/rules/gopher-repetition';
import { bulletAndEllipsisLines } from '../../../main/rules/gopher-quality';

/** Python `str.split()` whitespace, spelled out independently of the rules' own table. */
// eslint-disable-next-line no-control-regex -- \x1c-\x1f are Python whitespace, on purpose
const PYTHON_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

const PYTHON_STRIP = new RegExp(`^(?:${PYTHON_WHITESPACE.source})|(?:${PYTHON_WHITESPACE.source})$`, 'g');

function plainLineMeasures(text: string): { counts: number[]; longest: number[] } {
  const lines = text.split('\n');
  const words = lines.map((line) => line.split(PYTHON_WHITESPACE).filter((w) => w !== ''));
  return { counts: words.map((w) => w.length), longest: words.map((w) => Math.max(0, ...w.map((x) => x.length))) };
}

function plainFindDuplicates(items: readonly string[]): [number, number] {
  const seen = new Set<string>();
  let elements = 0;
  let chars = 0;
  for (const item of items) {
    if (seen.has(item)) {
      elements++;
      chars += item.length;
    } else seen.add(item);
  }
  return [elements, chars];
}

const character = fc.constantFrom('a', 'b', 'Z', '9', '.', ',', "'", '-', '(', ' ', ' ', '\n', '\n', '\t', '\u00a0', '\u2003', '\r', '\u200b', 'é', '…');
const text = fc.array(character, { maxLength: 200 }).map((chars) => chars.join(''));

describe('document view line measures', () => {
  it('word counts and longest words per line are the same whether the tokenizer or the line scan computes them', () => {
    fc.assert(
      fc.property(text, (doc) => {
        const expected = plainLineMeasures(doc);
        const scanned = new DocumentView(doc);
        expect([...scanned.lineWordCounts]).toEqual(expected.counts);
        expect([...scanned.lineLongestWord]).toEqual(expected.longest);
        const tokenized = new DocumentView(doc);
        void tokenized.tokens;
        expect([...tokenized.lineWordCounts]).toEqual(expected.counts);
        expect([...tokenized.lineLongestWord]).toEqual(expected.longest);
        expect(tokenized.tokens.lineStarts.length).toBe(expected.counts.length + 1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('findDuplicates', () => {
  it('equals the plain Set walk (items of unique length skipped)', () => {
    const item = fc.oneof(fc.constantFrom('', 'a', 'b', 'ab', 'ba', 'abc', 'home', 'Home'), fc.string({ maxLength: 5 }));
    fc.assert(fc.property(fc.array(item, { maxLength: 40 }), (items) => {
      expect(findDuplicates(items)).toEqual(plainFindDuplicates(items));
    }), { numRuns: 300 });
  });
});

describe('bulletAndEllipsisLines', () => {
  it('equals counting over Python splitlines() lines, each stripped', () => {
    const piece = fc.constantFrom('- a', '\u2022 b', 'x...', 'y\u2026', ' .. ', '...', 'text', ' ', '\n', '\r\n', '\r', '\v', '\f', '\x1c', '\x85', '\u2028', '\u2029', '\t-');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const doc = pieces.join('');
        // Python: str.splitlines() breaks at these (\r\n counts once), no trailing empty line.
        // eslint-disable-next-line no-control-regex -- \x1c-\x1e are line boundaries in Python, on purpose
        const lines = doc.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/);
        if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
        const stripped = lines.map((line) => line.replace(PYTHON_STRIP, ''));
        expect(bulletAndEllipsisLines(doc)).toEqual({
          lines: lines.length,
          bullets: stripped.filter((l) => l.startsWith('-') || l.startsWith('\u2022')).length,
          ellipses: stripped.filter((l) => l.endsWith('...') || l.endsWith('\u2026')).length,
        });
      }),
      { numRuns: 300 },
    );
  });
});
