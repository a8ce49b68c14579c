/**
 * Chained replace-all over a text, keeping a map back to the original text.
 *
 * The executor applies every `normalize` as Python `str.replace` (all non-overlapping
 * occurrences, left to right) on the whole document, one after another, so a later normalize
 * can match text produced by an earlier one. The UI needs each change as a span of the
 * ORIGINAL text plus what it became. The current text is kept as a sequence of segments:
 * untouched original slices (mapped char for char) and produced pieces (each standing for one
 * original span as a whole). A match is mapped like this:
 * - the part of it inside original slices maps exactly;
 * - a produced piece it touches is absorbed whole: the new piece covers that piece's original
 *   span too, and its text keeps the untouched rest of the piece (a produced piece cannot be
 *   split, its characters have no original positions);
 * - several matches inside one absorbed piece extend the same new piece;
 * - an empty produced piece (a deletion) is absorbed only if it lies strictly inside a match.
 * Invariant: applying `replacements()` (sorted, disjoint, each with a non-empty original span)
 * to the original text gives `text`. Every match covers at least one character, so spans are
 * never empty. Offsets are UTF-16 code units, like every JS string index.
 */

export interface MappedReplacement {
  /** Program line of the last normalize that shaped this span. */
  readonly op: number;
  /** Program lines of every normalize that contributed, in application order. */
  readonly ops: readonly number[];
  /** [start, end) in the original text. */
  readonly start: number;
  readonly end: number;
  /** What the span reads now. */
  readonly to: string;
}

interface Segment {
  /** [curStart, curEnd) in the current text. */
  readonly curStart: number;
  readonly curEnd: number;
  /** [origStart, origEnd) in the original text. For untouched slices both spans have equal length. */
  readonly origStart: number;
  readonly origEnd: number;
  /** Normalize program lines that produced it; null for an untouched original slice. */
  readonly ops: readonly number[] | null;
}

/** A produced piece under construction while one replace-all pass walks the segments. */
interface Pending {
  origStart: number;
  origEnd: number;
  text: string;
  ops: number[];
  /** Current-text position up to which the pending piece has consumed input. */
  curEnd: number;
  /** Current-text position up to which `text` has been built. */
  built: number;
}

export class ReplacementMap {
  private current: string;
  /** Null until the first match: the common no-change case allocates nothing. */
  private segments: Segment[] | null = null;

  constructor(readonly original: string) {
    this.current = original;
  }

  get text(): string {
    return this.current;
  }

  get changed(): boolean {
    return this.segments !== null;
  }

  /** Replaces every occurrence of `from` (non-empty) by `to`; returns how many were replaced. */
  replaceAll(from: string, to: string, op: number): number {
    if (from.length === 0) return 0;
    const cur = this.current;
    let match = cur.indexOf(from);
    if (match === -1) return 0;
    const pass = new ReplacePass(cur, this.segments ?? [{ curStart: 0, curEnd: cur.length, origStart: 0, origEnd: cur.length, ops: null }]);
    let pending: Pending | null = null;
    let count = 0;
    while (match !== -1) {
      const a = match;
      const b = match + from.length;
      count++;
      if (pending !== null && a < pending.curEnd) {
        // This match starts inside a produced piece the previous match absorbed.
        pending.text += cur.slice(pending.built, a) + to;
        pending.built = b;
        pass.extendTo(pending, b);
        moveLast(pending.ops, op);
      } else {
        if (pending !== null) pass.flush(pending);
        pass.copyUntil(a);
        pending = pass.startPiece(a, b, to);
        pass.extendTo(pending, b);
        moveLast(pending.ops, op);
      }
      match = cur.indexOf(from, b);
    }
    if (pending !== null) pass.flush(pending);
    pass.copyUntil(cur.length);
    this.current = pass.parts.join('');
    this.segments = pass.out;
    return count;
  }

  /** The produced pieces as spans of the original text, in order. */
  replacements(): MappedReplacement[] {
    if (this.segments === null) return [];
    const result: MappedReplacement[] = [];
    for (const s of this.segments) {
      if (s.ops === null) continue;
      result.push({ op: s.ops[s.ops.length - 1]!, ops: s.ops, start: s.origStart, end: s.origEnd, to: this.current.slice(s.curStart, s.curEnd) });
    }
    return result;
  }
}

/**
 * One replace-all pass over the segments (a class rather than closures: this runs per
 * normalize per document, and per-call closures cost allocations in the hot loop).
 */
class ReplacePass {
  readonly out: Segment[] = [];
  readonly parts: string[] = [];
  private outLength = 0;
  /** First segment not yet fully consumed. */
  private si = 0;
  /** Current-text position consumed so far. */
  private pos = 0;

  constructor(
    private readonly cur: string,
    private readonly segs: readonly Segment[],
  ) {}

  private emit(origStart: number, origEnd: number, text: string, ops: readonly number[] | null): void {
    this.out.push({ curStart: this.outLength, curEnd: this.outLength + text.length, origStart, origEnd, ops });
    this.parts.push(text);
    this.outLength += text.length;
  }

  flush(p: Pending): void {
    this.emit(p.origStart, p.origEnd, p.text + this.cur.slice(p.built, p.curEnd), p.ops);
  }

  /** Copies everything before `a`, stopping at a produced segment that straddles it. */
  copyUntil(a: number): void {
    const { segs, cur } = this;
    while (this.si < segs.length) {
      const s = segs[this.si]!;
      if (s.curEnd <= a) {
        if (s.ops === null) {
          if (s.curEnd > this.pos) this.emit(s.origStart + (this.pos - s.curStart), s.origEnd, cur.slice(this.pos, s.curEnd), null);
        } else {
          this.emit(s.origStart, s.origEnd, cur.slice(s.curStart, s.curEnd), s.ops);
        }
        this.pos = s.curEnd;
        this.si++;
      } else {
        if (s.ops === null && a > this.pos) {
          this.emit(s.origStart + (this.pos - s.curStart), s.origStart + (a - s.curStart), cur.slice(this.pos, a), null);
          this.pos = a;
        }
        return;
      }
    }
  }

  /** A new produced piece for a match at [a, b) that starts in the segment at the cursor. */
  startPiece(a: number, b: number, to: string): Pending {
    const s = this.segs[this.si]!;
    const absorbing = s.ops !== null;
    return {
      origStart: absorbing ? s.origStart : s.origStart + (a - s.curStart),
      origEnd: 0,
      text: (absorbing ? this.cur.slice(s.curStart, a) : '') + to,
      ops: absorbing ? [...s.ops!] : [],
      curEnd: b,
      built: b,
    };
  }

  /** Absorbs the segments that start before `b` into the pending piece. */
  extendTo(p: Pending, b: number): void {
    const segs = this.segs;
    while (this.si < segs.length && segs[this.si]!.curStart < b) {
      const s = segs[this.si]!;
      if (s.ops !== null) {
        p.origEnd = s.origEnd;
        for (const o of s.ops) if (!p.ops.includes(o)) p.ops.push(o);
        p.curEnd = Math.max(p.curEnd, s.curEnd);
        this.pos = s.curEnd;
        this.si++;
      } else if (s.curEnd <= b) {
        p.origEnd = s.origEnd;
        p.curEnd = Math.max(p.curEnd, s.curEnd);
        this.pos = s.curEnd;
        this.si++;
      } else {
        p.origEnd = s.origStart + (b - s.curStart);
        p.curEnd = Math.max(p.curEnd, b);
        this.pos = b;
        return;
      }
    }
  }
}

/** Puts `op` at the end of `ops` (once): the last entry names the normalize that shaped the final text. */
function moveLast(ops: number[], op: number): void {
  const at = ops.indexOf(op);
  if (at !== -1) ops.splice(at, 1);
  ops.push(op);
}

/** Applies sorted, disjoint replacements to `original` (the inverse view of `ReplacementMap`). */
export function applyReplacements(original: string, replacements: readonly { start: number; end: number; to: string }[]): string {
  let out = '';
  let pos = 0;
  for (const r of replacements) {
    out += original.slice(pos, r.start) + r.to;
    pos = r.end;
  }
  return out + original.slice(pos);
}
