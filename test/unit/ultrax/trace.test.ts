/**
 * What the UltraX executor reports beside the text: per call what it did (for the review
 * screen's list), removed lines, changed spans and inserted lines (for the highlights), and
 * switched-off calls behaving exactly like deleted program lines.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { executeUltrax, parseUltraxProgram, REMOVED_BY_CLEANUP } from '../../../main/ultrax';
import { pythonInt, splitlinesKeepends } from '../../../main/ultrax/python';

const DOC = 'Home | About\nThe cat sat on the mat &amp; rug.\n\nShare this';

describe('trace', () => {
  it('marks removed lines, changed spans and inserted lines on the display lines', () => {
    const program = "remove_lines(1, 1)\nreplace_str(2, '&amp;', '&')\nadd_line(2, 1, 'Inserted')\nremove_lines(4, 4)";
    const r = executeUltrax({ text: DOC, program });
    expect(r.text).toBe('The cat sat on the mat & rug.\nInserted');
    expect(r.status).toBe('modified');
    expect(r.removedBy).toEqual([0, null, REMOVED_BY_CLEANUP, 3]);
    const start = DOC.indexOf('&amp;');
    expect(r.replacements).toEqual([{ start: start + 1, end: start + 5, to: '', op: 1 }]);
    expect(r.added).toEqual([{ after: 1, text: 'Inserted', op: 2 }]);
    expect(r.calls.map((c) => [c.kind, c.linesRemoved, c.replacements, c.linesAdded])).toEqual([
      ['remove_lines', 1, 0, 0],
      ['replace_str', 0, 1, 0],
      ['add_line', 0, 0, 1],
      ['remove_lines', 1, 0, 0],
    ]);
  });

  it('says why a call did nothing', () => {
    const r = executeUltrax({ text: 'the cat and the dog\nok', program: "replace_str(1, 'the', 'a')\nreplace_str(2, 'x', 'y')\nremove_lines(2, 2)" });
    expect(r.calls[0]!.note).toMatch(/occurs 2 times/);
    expect(r.calls[1]!.note).toMatch(/not in its line/);
    const merged = executeUltrax({ text: 'a &amp; b &lt; c\nok', program: "replace_str(1, '&amp;', '&')\nreplace_str(1, '&lt;', '<')" });
    expect(merged.text).toBe('a & b < c\nok');
    expect(merged.calls.every((c) => c.note?.startsWith('merged') && c.replacements === 1)).toBe(true);
    const loop = executeUltrax({ text: DOC, program: 'remove_lines(1, 1)\n'.repeat(4) });
    expect(loop.status).toBe('looping');
    expect(loop.loopReason).toMatch(/same range 4 times/);
    expect(loop.text).toBe(DOC);
  });

  it('keeps, drops and fails like the reference, with a status', () => {
    expect(executeUltrax({ text: DOC, program: 'keep_all()' })).toMatchObject({ status: 'keep_all', dropped: false, text: DOC });
    expect(executeUltrax({ text: DOC, program: 'remove_all()' })).toMatchObject({ status: 'remove_all', dropped: true, text: '' });
    expect(executeUltrax({ text: DOC, program: 'remove_lines(1, 4)' })).toMatchObject({ status: 'remove_all', dropped: true, text: '' });
    const failed = executeUltrax({ text: DOC, program: `add_line(1, ${'9'.repeat(400)}, 'x')\nremove_lines(1, 1)` });
    expect(failed).toMatchObject({ status: 'failed', text: DOC });
    expect(failed.processed.endsWith('# FAILED: execution error')).toBe(true);
  });

  it('lists lines that are not calls', () => {
    expect(parseUltraxProgram('# plan\nremove_lines(1, 1)\nI think so\n---').ignored).toEqual([
      { line: 0, text: '# plan', reason: 'comment' },
      { line: 2, text: 'I think so', reason: 'not a call' },
      { line: 3, text: '---', reason: 'comment' },
    ]);
  });
});

describe('switching calls off', () => {
  const vectors = JSON.parse(readFileSync(new URL('../../fixtures/ultrax/vectors.json', import.meta.url), 'utf8')) as { rows: { original: string; program: string }[] };
  it('equals executing the program without those lines (every vector, each call in turn)', () => {
    let checked = 0;
    for (const v of vectors.rows) {
      const lines = v.program.split('\n');
      for (const call of parseUltraxProgram(v.program).calls) {
        const without = lines.map((l, i) => (i === call.line ? '' : l)).join('\n');
        expect(executeUltrax({ text: v.original, program: v.program, disabled: new Set([call.line]) }).text).toBe(executeUltrax({ text: v.original, program: without }).text);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('a switched-off kind leaves its calls out everywhere', () => {
    const r = executeUltrax({ text: DOC, program: "remove_lines(1, 1)\nreplace_str(2, '&amp;', '&')", disabledKinds: new Set(['remove_lines']) });
    expect(r.text).toBe('Home | About\nThe cat sat on the mat & rug.\nShare this');
    expect(r.calls[0]!.enabled).toBe(false);
  });
});

describe('Python string semantics', () => {
  it('int()', () => {
    expect(pythonInt(' +3 ')).toBe(3);
    expect(pythonInt('0_3')).toBe(3);
    expect(pythonInt('\u0663')).toBe(3);
    expect(pythonInt('\u{1D7D9}')).toBe(1); // MATHEMATICAL DOUBLE-STRUCK DIGIT ONE
    expect(pythonInt('-0')).toBe(0);
    expect(Object.is(pythonInt('-0'), -0)).toBe(false);
    for (const bad of ['', '_1', '1__0', '1_', '- 5', '\u001c5', '5\u007f', 'three', '1.0']) expect(pythonInt(bad)).toBeNull();
    expect(pythonInt('\u00a05\u2003')).toBe(5);
  });

  it('splitlines(keepends=True)', () => {
    expect(splitlinesKeepends('a\r\nb\rc\nd\u000be\u000cf\u001cg\u001dh\u001ei\u0085j\u2028k\u2029l')).toEqual(['a\r\n', 'b\r', 'c\n', 'd\u000b', 'e\u000c', 'f\u001c', 'g\u001d', 'h\u001e', 'i\u0085', 'j\u2028', 'k\u2029', 'l']);
    expect(splitlinesKeepends('')).toEqual([]);
    expect(splitlinesKeepends('a\n')).toEqual(['a\n']);
  });
});
