/** The character-compare stop-word match of the Gopher quality rule against a plain Set lookup. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stopWordBit } from '../../../main/rules/gopher-quality';

const STOP_WORDS = ['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with'];

describe('stopWordBit', () => {
  it('is 1 << (index in the stop list) exactly for the stop words, case-sensitively, and 0 otherwise', () => {
    const nearMisses = ['th', 'thee', 'The', 'THE', 'tha', 'than', 'thaT', 'b', 'bee', 'Be', 'too', 'o', 'off', 'an', 'ands', 'hav', 'havE', 'wit', 'withs', 'to.', ''];
    const word = fc.oneof(fc.constantFrom(...STOP_WORDS, ...nearMisses), fc.stringMatching(/^[abdefhintow]{0,5}$/));
    fc.assert(
      fc.property(word, (w) => {
        const index = STOP_WORDS.indexOf(w);
        expect(stopWordBit(w)).toBe(index < 0 ? 0 : 1 << index);
      }),
      { numRuns: 2000 },
    );
  });
});
