import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countWords, PYTHON_WHITESPACE } from '../../../main/prox/words';
import { contentHash, countWordsFast, titleOf } from '../../../main/corpus/text-facts';

describe('countWordsFast', () => {
  it('agrees with prox/words countWords (Python split semantics) on any text', () => {
    const pieces = fc.constantFrom(...PYTHON_WHITESPACE.split(''), 'a', 'é', '\ufeff', '\u200b', 'word', '  ', '\u3000', '\u3001', '😀');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        expect(countWordsFast(text)).toBe(countWords(text));
      }),
      { numRuns: 500 },
    );
  });
  it('counts plain words', () => {
    expect(countWordsFast('  one two\tthree\n\nfour ')).toBe(4);
    expect(countWordsFast('')).toBe(0);
  });
});

describe('titleOf', () => {
  it('takes the first non-blank line, trimmed', () => {
    expect(titleOf('\n   \n  Hello world  \nrest')).toBe('Hello world');
  });
  it('shortens long lines', () => {
    const title = titleOf('x'.repeat(1000));
    expect(title.length).toBe(160);
    expect(title.endsWith('…')).toBe(true);
  });
});

describe('contentHash', () => {
  it('is 32 hex digits and differs for different text', () => {
    expect(contentHash('a')).toMatch(/^[0-9a-f]{32}$/);
    expect(contentHash('a')).not.toBe(contentHash('b'));
    expect(contentHash('a')).toBe(contentHash('a'));
  });
});
