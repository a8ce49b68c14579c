/** Property tests (fast-check) for the parsers, the executor and the replacement map. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executeProgram, type Execution } from '../../../main/prox/executor';
import { parseProgram } from '../../../main/prox/parse';
import type { OperationKind, ParseMode } from '../../../main/prox/program';
import { applyReplacements, ReplacementMap } from '../../../main/prox/replacement-map';
import { countWords } from '../../../main/prox/words';

const RUNS = 400;
const WORD = fc.constantFrom('a', 'b', 'ab', 'ba', 'foo', 'x=1', 'a,b', '(c)', '"q"', '\u00a0', '  ', '\t', 'é', '😀');
const LINE = fc.array(WORD, { maxLength: 8 }).map((ws) => ws.join(' '));
/** Documents: lines of a small vocabulary (so normalizations match) or arbitrary strings. */
const TEXT = fc.oneof(
  { weight: 4, arbitrary: fc.array(LINE, { minLength: 0, maxLength: 12 }).map((ls) => ls.join('\n')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
);
const INT = fc.integer({ min: -3, max: 14 });
const STR = fc.constantFrom('a', 'b', 'ab', 'foo', ' ', '', 'x=1', 'a,b', '(c)', '\\n', "'", 'zz');
const q = (s: string) => JSON.stringify(s);
/** Program lines: valid calls in several spellings, reference quirks, truncations and garbage. */
const PROGRAM_LINE = fc.oneof(
  fc.tuple(INT, INT).map(([a, b]) => `remove_lines(start=${a}, end=${b})`),
  fc.tuple(INT, INT).map(([a, b]) => `remove_lines(line_start=${a}, line_end=${b})`),
  fc.tuple(INT, INT).map(([a, b]) => `remove_lines(${a}, ${b})`),
  fc.tuple(STR, STR).map(([a, b]) => `normalize(source_str=${q(a)}, target_str=${q(b)})`),
  fc.tuple(STR, STR).map(([a, b]) => `normalize('${a}', '${b}')`),
  STR.map((a) => `normalize(source_str=${q(a)})`),
  fc.constantFrom('remove_lines(all=True)', 'keep_chunk()', 'untouch_doc()', 'drop_doc()', 'keep_doc()', '# comment', '```', '', '  remove_lines(start=0, end=0)', 'remove_lines(line_start=4, end', 'normalize(source_str="a'),
  fc.string({ maxLength: 30 }),
);
const PROGRAM = fc.array(PROGRAM_LINE, { maxLength: 6 }).map((ls) => ls.join('\n'));
const MODE = fc.constantFrom<ParseMode>('strict', 'reference');
const KINDS = fc.subarray<OperationKind>(['drop_doc', 'keep_doc', 'keep_chunk', 'remove_lines', 'normalize']);
const lineCount = (s: string) => s.split('\n').length;
const blank = (program: string, lines: ReadonlySet<number>) => program.split('\n').map((l, i) => (lines.has(i) ? '' : l)).join('\n');

/** What must hold between the trace and the output. */
function checkTraceConsistency(text: string, e: Execution): void {
  expect(e.removedBy).toHaveLength(lineCount(text));
  if (e.dropped) {
    expect(e.text).toBe('');
    return;
  }
  if (e.cancelled) {
    expect(e.text).toBe(text);
    expect(e.removedBy.every((x) => x === null)).toBe(true);
    expect(e.replacements).toEqual([]);
    return;
  }
  let last = 0;
  for (const r of e.replacements) {
    expect(r.start).toBeGreaterThanOrEqual(last);
    expect(r.end).toBeGreaterThan(r.start);
    expect(text.slice(r.start, r.end)).not.toContain('\n');
    last = r.end;
  }
  const normalized = applyReplacements(text, e.replacements).split('\n');
  expect(normalized).toHaveLength(e.removedBy.length);
  expect(normalized.filter((_, i) => e.removedBy[i] === null).join('\n')).toBe(e.text);
  const removed = e.removedBy.filter((x) => x !== null).length;
  expect(e.operations.reduce((sum, op) => sum + op.linesRemoved, 0)).toBe(removed);
}

const comparable = (e: Execution) => ({ text: e.text, dropped: e.dropped, dropReason: e.dropReason, removedBy: e.removedBy, replacements: e.replacements, errorCount: e.errorCount, cancelled: e.cancelled });

describe('properties', () => {
  it('the parsers never throw and every error is located on a program line', () => {
    fc.assert(fc.property(fc.oneof(PROGRAM, fc.string({ unit: 'binary' })), MODE, (program, mode) => {
      const parsed = parseProgram(program, mode);
      for (const error of [...parsed.errors]) {
        expect(error.line).toBeLessThan(lineCount(program));
        expect(error.column).toBeGreaterThanOrEqual(0);
        expect(error.weight).toBe(1);
      }
      for (const op of parsed.operations) expect(op.source).toBe(program.split('\n')[op.line]);
    }), { numRuns: RUNS });
  });

  it('the executor never throws and its trace is consistent with its output', () => {
    fc.assert(fc.property(TEXT, fc.option(PROGRAM), fc.option(PROGRAM), MODE, KINDS, (text, doc, chunk, mode, kinds) => {
      const e = executeProgram({ text, docProgram: doc, chunkProgram: chunk, mode, disabledKinds: new Set(kinds) });
      checkTraceConsistency(text, e);
    }), { numRuns: RUNS });
  });

  it('disabling every operation returns the original text (except the chunk stage 10-word rule)', () => {
    fc.assert(fc.property(TEXT, PROGRAM, PROGRAM, MODE, (text, doc, chunk, mode) => {
      const all = (p: string) => new Set(p.split('\n').map((_, i) => i));
      const e = executeProgram({ text, docProgram: doc, chunkProgram: chunk, mode, disabled: { doc: all(doc), chunk: all(chunk) } });
      if (e.originalWords <= 10) {
        expect(e).toMatchObject({ text: '', dropped: true, stage: 'chunk', dropReason: `kept words ${e.originalWords} <= 10` });
      } else {
        expect(e).toMatchObject({ text, dropped: false, errorCount: 0, cancelled: false });
        expect(e.replacements).toEqual([]);
      }
    }), { numRuns: RUNS });
  });

  it('disabling a subset of lines equals executing the program with those lines blanked', () => {
    fc.assert(fc.property(TEXT, PROGRAM, PROGRAM, MODE, fc.array(fc.nat(6)), fc.array(fc.nat(6)), (text, doc, chunk, mode, offDoc, offChunk) => {
      const docOff = new Set(offDoc);
      const chunkOff = new Set(offChunk);
      const toggled = executeProgram({ text, docProgram: doc, chunkProgram: chunk, mode, disabled: { doc: docOff, chunk: chunkOff } });
      const filtered = executeProgram({ text, docProgram: blank(doc, docOff), chunkProgram: blank(chunk, chunkOff), mode });
      expect(comparable(toggled)).toEqual(comparable(filtered));
    }), { numRuns: RUNS });
  });

  it('disabling kinds equals executing the program without the lines of those kinds', () => {
    fc.assert(fc.property(TEXT, PROGRAM, MODE, KINDS, (text, chunk, mode, kinds) => {
      const off = new Set(kinds);
      const parsed = parseProgram(chunk, mode);
      const lines = new Set<number>();
      for (const op of parsed.operations) if (off.has(op.kind)) lines.add(op.line);
      for (const error of parsed.errors) if (error.kind !== undefined && off.has(error.kind)) lines.add(error.line);
      const toggled = executeProgram({ text, chunkProgram: chunk, mode, disabledKinds: off });
      const filtered = executeProgram({ text, chunkProgram: blank(chunk, lines), mode });
      expect(comparable(toggled)).toEqual(comparable(filtered));
    }), { numRuns: RUNS });
  });

  it('the drop decision equals the rules applied to full word counts (the executor counts only what decides)', () => {
    const BIG = fc.array(LINE, { minLength: 0, maxLength: 40 }).map((ls) => ls.join('\n'));
    const THRESHOLDS = fc.record({ minKeptWordRatio: fc.constantFrom(0, 0.05, 0.3, 0.9), minKeptWords: fc.constantFrom(0, 3, 10, 30), cancelAtErrors: fc.constantFrom(1, 2, 3) });
    fc.assert(fc.property(fc.oneof(TEXT, BIG), PROGRAM, MODE, THRESHOLDS, (text, chunk, mode, thresholds) => {
      const e = executeProgram({ text, chunkProgram: chunk, mode, thresholds });
      // The program's output before any drop, from an uncancellable run's trace.
      const full = executeProgram({ text, chunkProgram: chunk, mode, thresholds: { minKeptWordRatio: -1, minKeptWords: -1, cancelAtErrors: Infinity } });
      const processed = applyReplacements(text, full.replacements).split('\n').filter((_, i) => full.removedBy[i] === null).join('\n');
      const original = countWords(text);
      const kept = countWords(processed);
      expect(e.originalWords).toBe(original);
      expect(e.keptWords).toBe(kept);
      let reason: string | null = null;
      if (!e.cancelled && original > 0 && kept / original <= thresholds.minKeptWordRatio) reason = 'ratio';
      else if (kept <= thresholds.minKeptWords) reason = 'words';
      expect(e.dropped).toBe(reason !== null);
      if (reason === 'ratio') expect(e.dropReason).toMatch(/%/);
      if (reason === 'words') expect(e.dropReason).toMatch(new RegExp(`^kept words ${kept} <= `));
      if (reason === null) expect(e.text).toBe(e.cancelled ? text : processed);
    }), { numRuns: RUNS });
  });

  it('chained replace-all equals sequential str.replace, and its spans rebuild the text from the original', () => {
    const piece = fc.constantFrom('a', 'b', 'ab', 'ba', 'aa', 'c', '');
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' '), maxLength: 30 }), fc.array(fc.tuple(piece, piece), { maxLength: 5 }), (text, steps) => {
      const map = new ReplacementMap(text);
      let expected = text;
      steps.forEach(([from, to], op) => {
        const count = map.replaceAll(from, to, op);
        if (from !== '') {
          expect(count).toBe(expected.split(from).length - 1);
          expected = expected.split(from).join(to);
        }
      });
      expect(map.text).toBe(expected);
      const spans = map.replacements();
      expect(applyReplacements(text, spans)).toBe(expected);
      let last = 0;
      for (const span of spans) {
        expect(span.start).toBeGreaterThanOrEqual(last);
        expect(span.end).toBeGreaterThan(span.start);
        expect(span.ops[span.ops.length - 1]).toBe(span.op);
        last = span.end;
      }
    }), { numRuns: 1000 });
  });
});
