/**
 * An open-addressing hash table keyed by two 32-bit hash lanes: the n-gram counters of the
 * repetition rules. One interleaved Int32Array of 16-byte cells (a probe touches one cache
 * line, not parallel arrays), reusable across n and documents without reallocating (a
 * generation stamp marks the live cells).
 */
export const CELL = 4;
/** Offset of the per-key counter in a cell; the caller owns its value (starts at 0). */
export const COUNT = 3;
const STAMP = 0;
const HIGH = 1;
const LOW = 2;

export class NGramTable {
  /** Cells of CELL ints: stamp, key high, key low, counter. */
  cells = new Int32Array(0);
  private generation = 0;
  private mask = 0;

  /** Empties the table, sized for up to `entries` keys. */
  reset(entries: number): void {
    let capacity = 16;
    while (capacity < entries * 2) capacity *= 2;
    if (capacity * CELL > this.cells.length) {
      this.cells = new Int32Array(capacity * CELL);
      this.generation = 0;
    }
    this.mask = capacity - 1;
    if (this.generation === 0x7fffffff) {
      this.cells.fill(0);
      this.generation = 0;
    }
    this.generation++;
  }

  /** The cell offset of key (high, low); a new key's cell has counter 0. */
  slot(high: number, low: number): number {
    const cells = this.cells;
    const generation = this.generation;
    let index = (high ^ Math.imul(low, 0x27d4eb2d)) & this.mask;
    while (true) {
      const base = index * CELL;
      if (cells[base + STAMP] !== generation) {
        cells[base + STAMP] = generation;
        cells[base + HIGH] = high;
        cells[base + LOW] = low;
        cells[base + COUNT] = 0;
        return base;
      }
      if (cells[base + HIGH] === high && cells[base + LOW] === low) return base;
      index = (index + 1) & this.mask;
    }
  }
}
