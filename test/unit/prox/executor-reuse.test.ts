/**
 * The executor reuses the last parse of a program text (most documents share their doc
 * program and often their chunk program). That reuse must be invisible: any sequence of
 * executions gives each one the same result as in any other order, whatever the mode and the
 * switched-off lines or kinds of its neighbours.
 */
import { describe, expect, it } from 'vitest';
import { executeProgram, type ExecuteInput } from '../../../main/prox/executor';

const text = Array.from({ length: 12 }, (_, i) => `line ${i} has foo and several more words to keep the word rules quiet`).join('\n');
const docPrograms = ['keep_doc()', 'drop_doc()', 'keep_doc()\ndrop_doc()', 'drop it please'];
const chunkPrograms = [
  'remove_lines(line_start=0, line_end=0)',
  'normalize(source_str="foo", target_str="bar")\nremove_lines(line_start=2, line_end=3)',
  'remove_lines(line_start=50, line_end=60)\nremove_lines(line_start=70, line_end=80)',
  'keep_chunk()',
];

function cases(): ExecuteInput[] {
  const all: ExecuteInput[] = [];
  for (const docProgram of docPrograms) {
    for (const chunkProgram of chunkPrograms) {
      for (const mode of ['strict', 'reference'] as const) {
        all.push({ text, docProgram, chunkProgram, mode });
        all.push({ text, docProgram, chunkProgram, mode, disabled: { doc: new Set([1]), chunk: new Set([0]) } });
        all.push({ text, docProgram, chunkProgram, mode, disabledKinds: new Set(['drop_doc', 'normalize'] as const) });
        all.push({ text: 'short text', docProgram, chunkProgram, mode });
      }
    }
  }
  return all;
}

const summary = (input: ExecuteInput) => {
  const e = executeProgram(input);
  return {
    text: e.text,
    dropped: e.dropped,
    dropReason: e.dropReason,
    removedBy: e.removedBy,
    replacements: e.replacements,
    errorCount: e.errorCount,
    operations: e.operations.map((op) => ({ ...op })),
    errors: e.errors,
    originalWords: e.originalWords,
    keptWords: e.keptWords,
  };
};

describe('executor parse reuse', () => {
  it('gives every execution the same result in any order', () => {
    const inputs = cases();
    const forward = inputs.map(summary);
    const backward = [...inputs].reverse().map(summary).reverse();
    // Each case run alone, right after a different program, too.
    const isolated = inputs.map((input) => {
      executeProgram({ text: 'x', docProgram: 'keep_doc()\n', chunkProgram: 'keep_chunk()\n', mode: input.mode === 'strict' ? 'reference' : 'strict' });
      return summary(input);
    });
    expect(backward).toEqual(forward);
    expect(isolated).toEqual(forward);
    // Switched-off drop_doc lines and kinds are honoured right after the same program ran without them.
    inputs.forEach((input, i) => {
      const dropOff = input.disabledKinds?.has('drop_doc') || (input.disabled?.doc?.has(1) && input.docProgram === 'keep_doc()\ndrop_doc()');
      if (dropOff) expect(executeProgram(input).stage, `case ${i}`).not.toBe('doc');
    });
    // The cases really differ: dropped and kept, with and without switched-off operations.
    expect(new Set(forward.map((f) => f.dropped))).toEqual(new Set([true, false]));
    expect(new Set(forward.map((f) => f.text)).size).toBeGreaterThan(4);
  });
});
