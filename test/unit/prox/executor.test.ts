/** Executor: trace, toggles, doc stage, thresholds, edge cases (strict mode unless stated). */
import { describe, expect, it } from 'vitest';
import { executeProgram } from '../../../main/prox/executor';
import { applyReplacements, ReplacementMap } from '../../../main/prox/replacement-map';

const words = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(' ');
const LINES = ['Home | About | Contact', words(12, 'a'), `${words(12, 'b')} http://x.co/abc`, `${words(12, 'c')} foo foo`, 'Copyright 2024 All rights reserved'];
const DOC = LINES.join('\n');

describe('chunk stage trace', () => {
  it('says which program line removed which original line', () => {
    const e = executeProgram({ text: DOC, chunkProgram: '# nav\nremove_lines(start=0, end=0)\nremove_lines(start=4, end=4)\nremove_lines(start=0, end=1)' });
    expect(e.removedBy).toEqual([1, 3, null, null, 2]);
    expect(e.text).toBe([LINES[2], LINES[3]].join('\n'));
    expect(e.operations.map((op) => op.linesRemoved)).toEqual([1, 1, 1]);
  });

  it('gives replacement spans in original coordinates with the op that made them', () => {
    const e = executeProgram({ text: DOC, chunkProgram: 'normalize(source_str="foo", target_str="bar")\nnormalize(source_str="http://x.co/abc")' });
    const fooAt = DOC.indexOf('foo');
    const urlAt = DOC.indexOf('http://');
    expect(e.replacements).toEqual([
      { op: 1, ops: [1], start: urlAt, end: urlAt + 15, to: '' },
      { op: 0, ops: [0], start: fooAt, end: fooAt + 3, to: 'bar' },
      { op: 0, ops: [0], start: fooAt + 4, end: fooAt + 7, to: 'bar' },
    ]);
    expect(e.operations.map((op) => op.replacements)).toEqual([2, 1]);
    expect(applyReplacements(DOC, e.replacements)).toBe(e.text);
  });

  it('maps chained normalizations (a later one matching text an earlier one produced) to one original span', () => {
    const text = 'xx ac yy';
    const e = executeProgram({ text: `${text} ${words(12, 'w')}`, chunkProgram: 'normalize("a", "b")\nnormalize("bc", "Z")' });
    expect(e.replacements).toEqual([{ op: 1, ops: [0, 1], start: 3, end: 5, to: 'Z' }]);
    expect(e.text.startsWith('xx Z yy')).toBe(true);
  });

  it('attributes out-of-range errors to the operation whose range ran past the end', () => {
    const e = executeProgram({ text: DOC, chunkProgram: 'remove_lines(start=3, end=7)\nremove_lines(start=50, end=60)', thresholds: { cancelAtErrors: 3 } });
    expect(e.errorCount).toBe(2);
    expect(e.operations[0]!.errors[0]).toMatch(/clamped to 4/);
    expect(e.operations[1]!.errors[0]).toMatch(/past the end/);
    expect(e.removedBy).toEqual([null, null, null, 0, 0]);
  });

  it('counts one error for out-of-range ranges that merge with an in-range one (reference merge)', () => {
    const e = executeProgram({ text: DOC, chunkProgram: 'remove_lines(start=3, end=99)\nremove_lines(start=50, end=60)' });
    expect(e.errorCount).toBe(1);
    expect(e.text).toBe([LINES[0], LINES[1], LINES[2]].join('\n'));
  });

  it('a cancelled program leaves the text and the trace untouched but lists the errors', () => {
    const e = executeProgram({ text: DOC, chunkProgram: 'remove_lines(start=0, end=0)\nnope\nalso nope' });
    expect(e.cancelled).toBe(true);
    expect(e.text).toBe(DOC);
    expect(e.removedBy.every((x) => x === null)).toBe(true);
    expect(e.replacements).toEqual([]);
    expect(e.errors.map((x) => [x.line, x.enabled])).toEqual([[1, true], [2, true]]);
  });
});

describe('toggles', () => {
  const program = 'remove_lines(start=0, end=0)\nnormalize(source_str="foo", target_str="bar")\nremove_lines(start=4, end=4)';
  it('disabling lines equals executing the program without them', () => {
    const toggled = executeProgram({ text: DOC, chunkProgram: program, disabled: { chunk: new Set([0, 1]) } });
    const filtered = executeProgram({ text: DOC, chunkProgram: '\n\nremove_lines(start=4, end=4)' });
    expect(toggled.text).toBe(filtered.text);
    expect(toggled.removedBy).toEqual(filtered.removedBy);
    expect(toggled.operations.map((op) => op.enabled)).toEqual([false, false, true]);
  });

  it('disabling a kind switches off its operations and its parse errors', () => {
    const broken = 'remove_lines(0)\nremove_lines(start=1\nnormalize(source_str="foo", target_str="bar")';
    const all = executeProgram({ text: DOC, chunkProgram: broken });
    expect(all.cancelled).toBe(true);
    const noRemove = executeProgram({ text: DOC, chunkProgram: broken, disabledKinds: new Set(['remove_lines'] as const) });
    expect(noRemove.errorCount).toBe(0);
    expect(noRemove.text).toBe(DOC.replaceAll('foo', 'bar'));
  });

  it('disabling every operation returns the original text', () => {
    const e = executeProgram({ text: DOC, docProgram: 'drop_doc()', chunkProgram: program, disabled: { doc: new Set([0]), chunk: new Set([0, 1, 2]) } });
    expect(e.text).toBe(DOC);
    expect(e.dropped).toBe(false);
  });
});

describe('doc stage', () => {
  it('a doc drop skips the chunk stage and says why', () => {
    const e = executeProgram({ text: DOC, docProgram: 'drop_doc()', chunkProgram: 'remove_lines(start=0, end=0)' });
    expect(e).toMatchObject({ text: '', dropped: true, stage: 'doc', dropReason: 'doc program: drop_doc()', errorCount: 0 });
    expect(e.operations.map((op) => [op.stage, op.kind])).toEqual([['doc', 'drop_doc'], ['chunk', 'remove_lines']]);
  });

  it('keep_doc keeps, and without a chunk program the 10-word rule does not apply', () => {
    const short = 'just five words right here';
    expect(executeProgram({ text: short, docProgram: 'keep_doc()' })).toMatchObject({ text: short, dropped: false, stage: null });
    expect(executeProgram({ text: short, chunkProgram: 'keep_chunk()' })).toMatchObject({ text: '', dropped: true, stage: 'chunk' });
  });

  it('reference mode drops on any "drop" substring; disabling that line keeps the document', () => {
    expect(executeProgram({ text: DOC, docProgram: "I won't drop this", mode: 'reference' }).dropped).toBe(true);
    expect(executeProgram({ text: DOC, docProgram: "keep_doc()\nI won't drop this", mode: 'reference', disabled: { doc: new Set([1]) } }).dropped).toBe(false);
    expect(executeProgram({ text: DOC, docProgram: "I won't drop this", mode: 'strict' }).dropped).toBe(false);
  });
});

describe('thresholds and edge cases', () => {
  it('thresholds are configurable', () => {
    const program = 'remove_lines(start=1, end=3)'; // keeps 10 words of 49
    expect(executeProgram({ text: DOC, chunkProgram: program }).dropReason).toBe('kept words 10 <= 10');
    expect(executeProgram({ text: DOC, chunkProgram: program, thresholds: { minKeptWords: 5 } }).dropped).toBe(false);
    expect(executeProgram({ text: DOC, chunkProgram: program, thresholds: { minKeptWords: 5, minKeptWordRatio: 0.25 } }).dropReason).toBe('kept words 20.4% <= 25%');
  });

  it('an empty or whitespace-only document has no ratio; the chunk stage drops it (0 words kept), the doc stage alone keeps it', () => {
    for (const text of ['', '  \n\t\n']) {
      const e = executeProgram({ text, chunkProgram: 'remove_lines(start=0, end=0)' });
      expect(e).toMatchObject({ text: '', dropped: true, dropReason: 'kept words 0 <= 10', originalWords: 0 });
      expect(executeProgram({ text, docProgram: 'keep_doc()' }).text).toBe(text);
    }
  });

  it('counts words like Python split(), including non-ASCII whitespace', () => {
    const e = executeProgram({ text: 'a\u00a0b\u3000c\u2028d e\u200bf g\u0085h i j k', chunkProgram: '' });
    expect(e.originalWords).toBe(10);
    expect(e.dropped).toBe(true);
  });

  it('a trailing newline is a last, empty line that can be removed', () => {
    const text = `${DOC}\n`;
    const e = executeProgram({ text, chunkProgram: 'remove_lines(start=5, end=5)' });
    expect(e.errorCount).toBe(0);
    expect(e.text).toBe(DOC);
    expect(e.removedBy).toHaveLength(6);
  });

  it('no program at all returns the text unchanged', () => {
    expect(executeProgram({ text: 'hi' })).toMatchObject({ text: 'hi', dropped: false, stage: null, errorCount: 0 });
  });
});

describe('ReplacementMap', () => {
  it('absorbs a produced piece touched twice by one pass into one span', () => {
    const map = new ReplacementMap('0123 ab 4567');
    map.replaceAll('ab', 'xax', 0);
    expect(map.replaceAll('x', 'YY', 1)).toBe(2);
    expect(map.text).toBe('0123 YYaYY 4567');
    expect(map.replacements()).toEqual([{ op: 1, ops: [0, 1], start: 5, end: 7, to: 'YYaYY' }]);
  });

  it('a match spanning a deletion takes the deleted span too', () => {
    const map = new ReplacementMap('aXb');
    map.replaceAll('X', '', 0);
    map.replaceAll('ab', 'c', 1);
    expect(map.text).toBe('c');
    expect(map.replacements()).toEqual([{ op: 1, ops: [0, 1], start: 0, end: 3, to: 'c' }]);
  });

  it('leaves a deletion alone when a match only touches its boundary', () => {
    const map = new ReplacementMap('aXbb');
    map.replaceAll('X', '', 0);
    map.replaceAll('bb', 'c', 1);
    expect(map.text).toBe('ac');
    expect(map.replacements()).toEqual([
      { op: 0, ops: [0], start: 1, end: 2, to: '' },
      { op: 1, ops: [1], start: 2, end: 4, to: 'c' },
    ]);
  });
});
