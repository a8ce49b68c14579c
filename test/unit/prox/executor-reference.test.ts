/**
 * Test vectors obtained by running GAIR-NLP/ProX's executor functions (utils/chunk_utils.py)
 * on a five-line document, executed in reference mode.
 */
import { describe, expect, it } from 'vitest';
import { executeProgram } from '../../../main/prox/executor';

const W = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor';
const LINES = [
  'Home | About | Contact',
  `${W} one`,
  `${W} two http://x.co/abc`,
  `${W} three foo foo`,
  'Copyright 2024 All rights reserved',
];
const DOC = LINES.join('\n');
const linesOf = (...indexes: number[]): string => indexes.map((i) => LINES[i]).join('\n');
const withLine = (index: number, replacement: string): string => LINES.map((l, i) => (i === index ? replacement : l)).join('\n');

function run(program: string) {
  return executeProgram({ text: DOC, chunkProgram: program, mode: 'reference' });
}

describe('reference mode: vectors from the reference executor', () => {
  const vectors: { program: string; errors: number; result: string }[] = [
    { program: 'remove_lines(line_start=0, line_end=0)\nremove_lines(line_start=4, line_end=4)', errors: 0, result: linesOf(1, 2, 3) },
    { program: 'remove_lines(start=0, end=0)', errors: 0, result: linesOf(1, 2, 3, 4) },
    { program: 'normalize(source_str="foo", target_str="bar")', errors: 0, result: withLine(3, `${W} three bar bar`) },
    { program: 'normalize(source_str="http://x.co/abc", target_str="")', errors: 0, result: withLine(2, `${W} two `) },
    { program: 'normalize(source_str="foo")', errors: 0, result: withLine(3, `${W} three  `) },
    { program: 'keep_chunk()', errors: 0, result: DOC },
    { program: 'untouch_doc()', errors: 0, result: DOC },
    { program: 'drop_doc()', errors: 0, result: DOC },
    { program: 'remove_lines(0, 0)', errors: 1, result: DOC },
    { program: 'remove_lines(0, 0)\nremove_lines(line_start=4, line_end=4)', errors: 1, result: linesOf(0, 1, 2, 3) },
    { program: 'remove_lines(0, 0)\nremove_lines(4, 4)', errors: 2, result: DOC },
    { program: 'remove_lines(line_start=0, line_end=0)\nremove_lines(line_start=4, end', errors: 2, result: DOC },
    { program: 'remove_lines(line_start=3, line_end=99)', errors: 1, result: linesOf(0, 1, 2) },
    { program: 'remove_lines(line_start=50, line_end=60)', errors: 1, result: DOC },
    { program: 'normalize(source_str="foo, foo", target_str="x")', errors: 0, result: DOC },
    { program: "normalize(source_str='foo', target_str='bar')", errors: 0, result: DOC },
    { program: 'remove_lines(line_start=0, line_end=3)', errors: 0, result: '' },
    { program: 'remove_lines(all=True)', errors: 0, result: '' },
    { program: 'remove_lines(line_start=3, line_end=1)', errors: 0, result: DOC },
    { program: 'remove_lines(line_start=4, line_end=4)\n'.repeat(3).trimEnd(), errors: 0, result: linesOf(0, 1, 2, 3) },
    { program: 'remove_lines(line_start=0, line_end=0)\n  remove_lines(line_start=4, line_end=4)', errors: 0, result: linesOf(1, 2, 3, 4) },
  ];
  for (const v of vectors) {
    it(`${JSON.stringify(v.program)} -> ${v.errors} errors`, () => {
      const execution = run(v.program);
      expect(execution.errorCount).toBe(v.errors);
      expect(execution.text).toBe(v.result);
      expect(execution.dropped).toBe(v.result === '');
      expect(execution.cancelled).toBe(v.errors >= 2);
    });
  }

  it('drops by the 10-word rule when only the 5-word footer is left', () => {
    const execution = run('remove_lines(line_start=0, line_end=3)');
    expect(execution.stage).toBe('chunk');
    expect(execution.dropReason).toBe('kept words 5 <= 10');
  });
});

describe('reference mode: threshold vectors', () => {
  // 13 lines of 12 words, the first carrying 96 more: 252 words.
  const filler = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(' ');
  const lines = [filler(108, 'a'), ...Array.from({ length: 12 }, (_, i) => filler(12, `l${i + 1}w`))];
  const doc = lines.join('\n');

  it('the document has the stated shape', () => {
    expect(lines).toHaveLength(13);
    expect(doc.split(/\s+/)).toHaveLength(252);
  });

  it('keeping only the last 12-word line (4.8%) drops the document (rule 1)', () => {
    const execution = executeProgram({ text: doc, chunkProgram: 'remove_lines(start=0, end=11)', mode: 'reference' });
    expect(execution.text).toBe('');
    expect(execution.keptWords).toBe(12);
    expect(execution.dropReason).toBe('kept words 4.8% <= 5%');
  });

  it('keeping 32 words (12.7%) returns the processed text', () => {
    // Lines 10..12 are kept: 3 x 12 = 36 words; normalize away 4 of them to keep 32.
    const program = 'remove_lines(start=0, end=9)\nnormalize(source_str="l10w0 l10w1 l10w2 l10w3 ", target_str="")';
    const execution = executeProgram({ text: doc, chunkProgram: program, mode: 'reference' });
    expect(execution.keptWords).toBe(32);
    expect(execution.dropped).toBe(false);
    expect(execution.text).toBe([lines[10]!.replace('l10w0 l10w1 l10w2 l10w3 ', ''), lines[11], lines[12]].join('\n'));
  });

  it('a 10-word document with a 2-error program is dropped (rule 2 applies even when cancelled)', () => {
    const execution = executeProgram({ text: filler(10, 'w'), chunkProgram: 'remove_lines(0, 0)\nremove_lines(1, 1)', mode: 'reference' });
    expect(execution.cancelled).toBe(true);
    expect(execution.text).toBe('');
    expect(execution.dropReason).toBe('kept words 10 <= 10 (program cancelled by 2 errors)');
  });

  it('every document of 10 words or fewer is dropped by the chunk stage, even with an empty program', () => {
    expect(executeProgram({ text: filler(10, 'w'), chunkProgram: '', mode: 'reference' }).text).toBe('');
    expect(executeProgram({ text: filler(11, 'w'), chunkProgram: '', mode: 'reference' }).text).toBe(filler(11, 'w'));
  });
});
