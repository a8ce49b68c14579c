/** C4's phrase rules find their lines through one scan of the whole text: every case still lands on its line. */
import { describe, expect, it } from 'vitest';
import { evaluateRules } from '../../../main/rules/write-programs';
import { onlyRules } from './helpers';

describe('C4 phrase lines', () => {
  it('flags exactly the lines holding a phrase: first and last lines, several per line, citation-joined, never across a newline', () => {
    const lines = [
      'JavaScript first line here.', // 0: javascript
      'A plain line about rivers.',
      'Uses cookies and a privacy policy, twice: privacy policy.', // 2: policy
      'A line ending in privacy', // 3: phrase only across the newline
      'policy starts this line.',
      'We say java[1]script after the citation goes.', // 5: phrase appears once the marker is removed
      '\tTerms Of Use\r', // 6: policy, inside whitespace
      'Lorem Ipsum dolor sit amet.', // 7: lorem ipsum (doc failure, line kept)
      'Last line mentions JAVASCRIPT', // 8: javascript
    ];
    const verdict = evaluateRules(lines.join('\n'), onlyRules(['c4.javascript', 'c4.policy', 'c4.lorem_ipsum', 'c4.citations']));
    expect(verdict.removals.map((r) => [r.line, r.rule])).toEqual([
      [0, 'c4.javascript'],
      [2, 'c4.policy'],
      [5, 'c4.javascript'],
      [6, 'c4.policy'],
      [8, 'c4.javascript'],
    ]);
    expect(verdict.failure?.rule).toBe('c4.lorem_ipsum');
    expect(verdict.failure?.reason).toContain('line 7');
  });
});
