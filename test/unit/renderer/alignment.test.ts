import { describe, expect, it } from 'vitest';
import type { ExecutionView } from '../../../contract/api';
import { executeUltrax } from '../../../main/ultrax';
import { type Alignment, alignExecution, rowsText } from '../../../renderer/src/components/alignment';

const rows = (a: Alignment) => Array.from({ length: a.lineCount }, (_, i) => a.line(i));

function view(original: string, refined: string, removedBy: (number | null)[], replacements: ExecutionView['replacements'] = []): ExecutionView {
  return { original, refined, dropped: false, dropReason: null, removedBy, replacements, errorCount: 0, cancelled: false, errors: [], operations: [] };
}

const text = (segments: { text: string }[] | null): string | null => (segments ? segments.map((s) => s.text).join('') : null);

describe('alignExecution', () => {
  it('keeps one row per original line and gaps for removed lines', () => {
    const a = alignExecution(view('Home | About\nBody one.\nFooter', 'Body one.', [0, null, 0]));
    expect(a.exact).toBe(true);
    expect(rows(a).map((l) => text(l.refined))).toEqual([null, 'Body one.', null]);
    expect(rows(a).map((l) => l.removedBy)).toEqual([0, null, 0]);
    expect(rows(a).map((l) => text(l.original))).toEqual(['Home | About', 'Body one.', 'Footer']);
  });

  it('marks normalized spans in place on both sides', () => {
    const original = 'Click Here now\nand Click Here';
    const refined = 'Click now\nand Click';
    const reps = [
      { op: 2, start: 5, end: 10, to: '' },
      { op: 2, start: 24, end: 29, to: '' },
    ];
    const a = alignExecution(view(original, refined, [null, null], reps));
    expect(a.exact).toBe(true);
    expect(a.line(0).original).toEqual([
      { text: 'Click', kind: 'plain' },
      { text: ' Here', kind: 'from', to: '', op: 2 },
      { text: ' now', kind: 'plain' },
    ]);
    expect(text(a.line(1).refined)).toBe('and Click');
  });

  it('shows replacement text on the refined side', () => {
    const a = alignExecution(view('teh cat\nteh dog', 'the cat\nthe dog', [null, null], [
      { op: 0, start: 0, end: 3, to: 'the' },
      { op: 0, start: 8, end: 11, to: 'the' },
    ]));
    expect(a.exact).toBe(true);
    expect(a.line(1).refined).toEqual([
      { text: 'the', kind: 'to', op: 0 },
      { text: ' dog', kind: 'plain' },
    ]);
  });

  it('reports when a normalize across a newline cannot be aligned exactly', () => {
    const a = alignExecution(view('a\nb\nc', 'a b\nc', [null, null, null], [{ op: 0, start: 1, end: 2, to: ' ' }]));
    expect(a.exact).toBe(false);
    expect(a.lineCount).toBe(3);
  });

  it('handles empty lines and a trailing newline', () => {
    const a = alignExecution(view('x\n\ny\n', 'x\n\n', [null, null, 1, null]));
    expect(a.exact).toBe(true);
    expect(rows(a).map((l) => text(l.refined))).toEqual(['x', '', null, '']);
  });
});

describe('alignExecution with inserted lines', () => {
  const withAdded = (original: string, refined: string, removedBy: (number | null)[], added: ExecutionView['added']): ExecutionView => ({ ...view(original, refined, removedBy), added });
  const shape = (a: Alignment) =>
    Array.from({ length: a.rowCount }, (_, r) => {
      const row = a.row(r);
      return row.kind === 'added' ? `+${row.added.op}:${row.added.text}` : `${row.line.index}:${text(row.line.refined) ?? '-'}`;
    });

  it('puts each inserted line after the original line it follows, in the executor order, before line 0 first', () => {
    const a = alignExecution(
      withAdded('a\nb\nc', 'top\na\nb\none\ntwo\nc', [null, null, null], [
        { after: -1, text: 'top', op: 0 },
        { after: 1, text: 'one', op: 1 },
        { after: 1, text: 'two', op: 2 },
      ]),
    );
    expect(a.lineCount).toBe(3);
    expect(a.rowCount).toBe(6);
    expect(shape(a)).toEqual(['+0:top', '0:a', '1:b', '+1:one', '+2:two', '2:c']);
    expect(rowsText(a)).toBe('top\na\nb\none\ntwo\nc');
    // line(i) still addresses original lines.
    expect(text(a.line(2).refined)).toBe('c');
  });

  it('shows no inserted rows in a dropped document', () => {
    const a = alignExecution({ ...withAdded('a\nb', '', [null, null], [{ after: 0, text: 'x', op: 0 }]), dropped: true });
    expect(a.rowCount).toBe(2);
  });

  it("shows the real UltraX executor's refined text row by row, inserted line in place", () => {
    const original = 'Home | About\nThe cat sat on the mat &amp; rug.\n\nShare this';
    const r = executeUltrax({ text: original, program: "remove_lines(1, 1)\nreplace_str(2, '&amp;', '&')\nadd_line(2, 1, 'Inserted')\nremove_lines(4, 4)" });
    const a = alignExecution({ ...view(original, r.text, r.removedBy, r.replacements), added: r.added });
    expect(shape(a)).toEqual(['0:-', '1:The cat sat on the mat & rug.', '+2:Inserted', '2:-', '3:-']);
    expect(rowsText(a)).toBe(r.text);
  });
});
