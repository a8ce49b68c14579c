import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countWords, PYTHON_WHITESPACE } from '../../../main/prox/words';
import { contentHash, countWordsFast, isNavigationLine, titleOf, TITLE_HEAD_CHARS } from '../../../main/corpus/text-facts';

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
  it('skips a breadcrumb or menu line to the real title (the devset page that read "Home>>")', () => {
    expect(titleOf("Home>>\nMonitoring system aids wild animal protection efforts in NE China\n(People's Daily Online) 11:35")).toBe('Monitoring system aids wild animal protection efforts in NE China');
    expect(titleOf('Skip to main content\nHome\nSearch\nLog in\nThe Weird Plumes of Europa')).toBe('The Weird Plumes of Europa');
    expect(titleOf('LAT Home→Collections→Government Regulation\nCalifornia appears poised to ban big-screen TVs')).toBe('California appears poised to ban big-screen TVs');
    expect(titleOf('«\n|\nhttp://example.com/a/b\nReal heading')).toBe('Real heading');
    expect(titleOf('SUBSCRIBE |\nAdvertisement\nTitle here')).toBe('Title here');
  });
  it('keeps a page title that happens to be short or to name its site', () => {
    expect(titleOf('Nim forum\nSign up\nLog in')).toBe('Nim forum');
    expect(titleOf('Hello World in Python - Stack Overflow\nJoin Stack Overflow')).toBe('Hello World in Python - Stack Overflow');
    expect(titleOf('Why 2 > 1 holds in every ordered field we know\nbody')).toBe('Why 2 > 1 holds in every ordered field we know');
  });
  it('drops markdown heading marks and emphasis', () => {
    expect(titleOf('## **Release notes**\n\ntext')).toBe('Release notes');
    expect(titleOf('# Guide #\n')).toBe('Guide');
  });
  it('cuts a long first paragraph at its first sentence, else at a word', () => {
    const paragraph = `"We have strongly advocated in favor of public support using public money." That's what the director told us. ${'More words follow here. '.repeat(10)}`;
    expect(titleOf(paragraph)).toBe('"We have strongly advocated in favor of public support using public money."');
    const noStop = 'word '.repeat(60);
    const title = titleOf(noStop);
    expect(title.endsWith('word…')).toBe(true);
    expect(title.length).toBeLessThanOrEqual(160);
  });
  it('falls back to the first non-blank line when everything near the top is navigation', () => {
    expect(titleOf('\nHome\nMenu\n')).toBe('Home');
    expect(titleOf('')).toBe('');
  });
  it('reads only the head of a text', () => {
    expect(titleOf(`${'Home\n'.repeat(TITLE_HEAD_CHARS / 5)}Far down title`)).toBe('Home');
  });
});

describe('isNavigationLine', () => {
  it('tells navigation from titles', () => {
    for (const nav of ['Home>>', 'Home > News > World', '> cs > arXiv:2405.05966', 'Skip to content', 'Jump to content', 'Log in', 'Sign In', 'X', '.', '«', 'https://example.com/x']) expect(isNavigationLine(nav), nav).toBe(true);
    for (const title of ['Nim forum', 'Appell sequence', 'Lost in JIT: PyPy and the road towards SciPy', 'Home prices rise again in March']) expect(isNavigationLine(title), title).toBe(false);
  });
});

describe('contentHash', () => {
  it('is 32 hex digits and differs for different text', () => {
    expect(contentHash('a')).toMatch(/^[0-9a-f]{32}$/);
    expect(contentHash('a')).not.toBe(contentHash('b'));
    expect(contentHash('a')).toBe(contentHash('a'));
  });
});
