/**
 * The UltraX dialect against the reference itself: every vector in
 * test/fixtures/ultrax/vectors.json was computed by running openbmb/UltraX's own stage-2
 * functions (process_row, split_by_sliding_window, merge_window_functions) with
 * scripts/ultrax/reference-vectors.py on the hand-written cases of cases.json plus seeded
 * random ones. Regenerate with that script when the cases change.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { executeUltrax, documentProgram, functionsToString, splitWindows } from '../../../main/ultrax';
import { SequenceMatcher } from '../../../main/ultrax/difflib';
import { codePoints, pyRepr } from '../../../main/ultrax/python';

interface Vectors {
  rows: { note: string; original: string; program: string; cleaned: string; processed: string }[];
  windows: { note: string; content: string; max_chars: number; windows: { text: string; start_line: number; end_line: number; overlap_start: number }[] }[];
  documents: { note: string; content: string; max_chars: number; responses: (string | null)[]; model_output: string; cleaned: string }[];
  repr: { text: string; repr: string }[];
  difflib: { a: string; b: string; ratio: number; opcodes: [string, number, number, number, number][] }[];
}

const vectors = JSON.parse(readFileSync(new URL('../../fixtures/ultrax/vectors.json', import.meta.url), 'utf8')) as Vectors;

describe('process_row', () => {
  it('has the vectors', () => expect(vectors.rows.length).toBeGreaterThan(700));
  for (const v of vectors.rows) {
    it(v.note, () => {
      const result = executeUltrax({ text: v.original, program: v.program });
      expect(result.text).toBe(v.cleaned);
      expect(result.processed).toBe(v.processed);
    });
  }
});

describe('split_by_sliding_window', () => {
  for (const v of vectors.windows) {
    it(`${v.note} (max ${v.max_chars})`, () => {
      const windows = splitWindows(v.content, v.max_chars);
      expect(windows.map((w) => ({ text: w.text, start_line: w.startLine, end_line: w.endLine, overlap_start: w.overlapStart }))).toEqual(v.windows);
    });
  }
});

describe('windows merged into model_output, then executed', () => {
  for (const v of vectors.documents) {
    it(v.note, () => {
      const windows = splitWindows(v.content, v.max_chars);
      const program = documentProgram(v.content, windows, v.responses.map((response) => ({ response })));
      expect(program).toBe(v.model_output);
      expect(executeUltrax({ text: v.content, program }).text).toBe(v.cleaned);
    });
  }
});

describe('Python repr and difflib', () => {
  it('repr', () => {
    for (const v of vectors.repr) expect(pyRepr(v.text)).toBe(v.repr);
  });
  it('repr escapes characters Unicode 13 (Python 3.10) did not have yet', () => {
    expect(pyRepr('\u{1FAE0}')).toBe("'\\U0001fae0'");
    expect(pyRepr('\u{1F600}')).toBe("'\u{1F600}'");
  });
  it('SequenceMatcher ratio and opcodes', () => {
    for (const v of vectors.difflib) {
      const m = new SequenceMatcher(codePoints(v.a), codePoints(v.b));
      expect(m.ratio()).toBe(v.ratio);
      expect(m.opcodes().map((o) => [o.tag, o.i1, o.i2, o.j1, o.j2])).toEqual(v.opcodes);
    }
  });
  it('functionsToString writes what the parser reads back', () => {
    const program = "replace_str(2, \"it's\", 'a\\\\b')\nadd_line(1, 3, 'x\\ny')\nremove_lines(1, 2)";
    const result = executeUltrax({ text: "one\nit's two\nthree", program });
    expect(functionsToString([])).toBe('');
    expect(result.processed).toBe(program);
  });
});
