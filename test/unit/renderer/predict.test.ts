import { describe, expect, it } from 'vitest';
import type { ExecutionView, OperationView } from '../../../contract/api';
import { alignExecution, rowsText } from '../../../renderer/src/components/alignment';
import { predictToggle } from '../../../renderer/src/components/predict';

const shown = (v: ExecutionView) => rowsText(alignExecution(v));

function op(line: number, kind: OperationView['kind'], source: string, lines: OperationView['lines'] = null, enabled = true): OperationView {
  return { stage: kind === 'drop_doc' || kind === 'keep_doc' ? 'doc' : 'chunk', line, kind, source, enabled, kindDisabled: false, lines, reason: null, probability: null, linesRemoved: 0, replacements: 0, errors: [] };
}

const original = 'Menu | Home\nBody one.\nBody two, Click Here.\nFooter';
const view: ExecutionView = {
  original,
  refined: 'Body one.\nBody two, .',
  dropped: false,
  dropReason: null,
  removedBy: [0, null, null, 1],
  replacements: [{ op: 2, start: 32, end: 42, to: '' }],
  errorCount: 0,
  cancelled: false,
  errors: [],
  operations: [op(0, 'remove_lines', 'remove_lines(line_start=0, line_end=0)', { start: 0, end: 0 }), op(1, 'remove_lines', 'remove_lines(start=3, end=3)', { start: 3, end: 3 }), op(2, 'normalize', 'normalize(source_str="Click Here", target_str="")')],
};

describe('predictToggle', () => {
  it('brings back the lines of a switched-off remove_lines', () => {
    const next = predictToggle(view, view.operations[0]!, false)!;
    expect(next.removedBy).toEqual([null, null, null, 1]);
    expect(shown(next)).toBe('Menu | Home\nBody one.\nBody two, .');
    expect(next.operations[0]!.enabled).toBe(false);
  });

  it('removes the range again when switched back on', () => {
    const off = predictToggle(view, view.operations[1]!, false)!;
    expect(shown(off)).toBe('Body one.\nBody two, .\nFooter');
    const on = predictToggle(off, off.operations[1]!, true)!;
    expect(on.removedBy).toEqual(view.removedBy);
    expect(shown(on)).toBe(view.refined);
    expect(shown(view)).toBe(view.refined);
  });

  it('drops the spans of a switched-off normalize, and leaves switching one on to the executor', () => {
    const off = predictToggle(view, view.operations[2]!, false)!;
    expect(off.replacements).toEqual([]);
    expect(shown(off)).toBe('Body one.\nBody two, Click Here.');
    expect(predictToggle(off, off.operations[2]!, true)).toBeNull();
  });

  it('takes the lines from the view, never from the program text: a reversed range removes nothing, all removes everything', () => {
    const reversed = { ...view, operations: [op(0, 'remove_lines', 'remove_lines(line_start=2, line_end=1)', { start: 2, end: 1 }, false), view.operations[1]!, view.operations[2]!], removedBy: [null, null, null, 1] };
    expect(predictToggle(reversed, reversed.operations[0]!, true)!.removedBy).toEqual([null, null, null, 1]);
    const all = { ...view, operations: [op(0, 'remove_lines', 'remove_lines(all=True)', 'all', false), view.operations[1]!, view.operations[2]!], removedBy: [null, null, null, 1] };
    // Every line gone: the word thresholds decide, so the server answers.
    expect(predictToggle(all, all.operations[0]!, true)).toBeNull();
    const offAll = predictToggle({ ...all, operations: [{ ...all.operations[0]!, enabled: true }, ...all.operations.slice(1)], removedBy: [0, 0, 0, 0] }, { ...all.operations[0]!, enabled: true }, false)!;
    expect(offAll.removedBy).toEqual([null, null, null, 1]);
  });

  it('makes no prediction for a cancelled program or a remove_lines without lines', () => {
    expect(predictToggle({ ...view, cancelled: true }, view.operations[0]!, false)).toBeNull();
    const odd = { ...view, operations: [op(0, 'remove_lines', 'remove_lines(0, 0)'), view.operations[1]!] };
    expect(predictToggle(odd, odd.operations[1]!, false)).toBeNull();
  });
});
