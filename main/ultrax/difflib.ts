/**
 * Python's `difflib.SequenceMatcher(None, a, b)` (autojunk on), the parts the UltraX
 * post-processing uses: matching blocks, opcodes and ratio. The reference calls it on `str`
 * values, so the elements here are code points; the result must be the same block for block,
 * because it decides which characters a merged replace rewrites and when add_line outputs
 * count as a loop.
 */

export interface MatchBlock {
  readonly a: number;
  readonly b: number;
  readonly size: number;
}

export type OpcodeTag = 'replace' | 'delete' | 'insert' | 'equal';

export interface Opcode {
  readonly tag: OpcodeTag;
  readonly i1: number;
  readonly i2: number;
  readonly j1: number;
  readonly j2: number;
}

export class SequenceMatcher {
  private readonly b2j = new Map<string, number[]>();
  private blocks: MatchBlock[] | null = null;

  constructor(
    private readonly a: readonly string[],
    private readonly b: readonly string[],
  ) {
    for (let j = 0; j < b.length; j++) {
      const list = this.b2j.get(b[j]!);
      if (list === undefined) this.b2j.set(b[j]!, [j]);
      else list.push(j);
    }
    // autojunk: in a b of 200+ elements, an element seen more than 1% + 1 times is "popular"
    // and never starts a match (it can still extend one).
    if (b.length >= 200) {
      const limit = Math.floor(b.length / 100) + 1;
      for (const [element, indexes] of [...this.b2j]) if (indexes.length > limit) this.b2j.delete(element);
    }
  }

  /** The longest matching block in a[alo:ahi] and b[blo:bhi]; the earliest in a, then in b, on ties. */
  findLongestMatch(alo: number, ahi: number, blo: number, bhi: number): MatchBlock {
    const { a, b } = this;
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      const indexes = this.b2j.get(a[i]!);
      if (indexes !== undefined) {
        for (const j of indexes) {
          if (j < blo) continue;
          if (j >= bhi) break;
          const k = (j2len.get(j - 1) ?? 0) + 1;
          next.set(j, k);
          if (k > bestsize) {
            besti = i - k + 1;
            bestj = j - k + 1;
            bestsize = k;
          }
        }
      }
      j2len = next;
    }
    // No element is junk (no isjunk function), so popular elements extend the block on both sides.
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
    return { a: besti, b: bestj, size: bestsize };
  }

  matchingBlocks(): MatchBlock[] {
    if (this.blocks !== null) return this.blocks;
    const la = this.a.length;
    const lb = this.b.length;
    const queue: [number, number, number, number][] = [[0, la, 0, lb]];
    const found: MatchBlock[] = [];
    while (queue.length > 0) {
      const [alo, ahi, blo, bhi] = queue.pop()!;
      const match = this.findLongestMatch(alo, ahi, blo, bhi);
      const { a: i, b: j, size: k } = match;
      if (k === 0) continue;
      found.push(match);
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
    found.sort((x, y) => x.a - y.a || x.b - y.b || x.size - y.size);
    const blocks: MatchBlock[] = [];
    let i1 = 0;
    let j1 = 0;
    let k1 = 0;
    for (const { a: i2, b: j2, size: k2 } of found) {
      if (i1 + k1 === i2 && j1 + k1 === j2) k1 += k2;
      else {
        if (k1 > 0) blocks.push({ a: i1, b: j1, size: k1 });
        i1 = i2;
        j1 = j2;
        k1 = k2;
      }
    }
    if (k1 > 0) blocks.push({ a: i1, b: j1, size: k1 });
    blocks.push({ a: la, b: lb, size: 0 });
    this.blocks = blocks;
    return blocks;
  }

  opcodes(): Opcode[] {
    const answer: Opcode[] = [];
    let i = 0;
    let j = 0;
    for (const { a: ai, b: bj, size } of this.matchingBlocks()) {
      const tag: OpcodeTag | null = i < ai && j < bj ? 'replace' : i < ai ? 'delete' : j < bj ? 'insert' : null;
      if (tag !== null) answer.push({ tag, i1: i, i2: ai, j1: j, j2: bj });
      i = ai + size;
      j = bj + size;
      if (size > 0) answer.push({ tag: 'equal', i1: ai, i2: i, j1: bj, j2: j });
    }
    return answer;
  }

  ratio(): number {
    const matches = this.matchingBlocks().reduce((n, block) => n + block.size, 0);
    const length = this.a.length + this.b.length;
    return length > 0 ? (2 * matches) / length : 1;
  }
}
