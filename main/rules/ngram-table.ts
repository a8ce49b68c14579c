/**
 * An open-addressing hash table keyed by two 32-bit hash lanes: the n-gram counters of the
 * repetition rules, several times faster than a Map of numbers and reusable across n without
 * reallocating (a generation stamp marks the live slots).
 */
export class NGramTable {
  private keysHigh = new Int32Array(0);
  private keysLow = new Int32Array(0);
  private stamps = new Int32Array(0);
  private generation = 0;
  private mask = 0;
  /** Per slot: a count or a position, as the caller uses it. */
  values = new Int32Array(0);
  /** Per slot: the first window that inserted it. */
  firsts = new Int32Array(0);

  /** Empties the table, sized for up to `entries` keys. */
  reset(entries: number): void {
    let capacity = 16;
    while (capacity < entries * 2) capacity *= 2;
    if (capacity > this.stamps.length) {
      this.keysHigh = new Int32Array(capacity);
      this.keysLow = new Int32Array(capacity);
      this.stamps = new Int32Array(capacity);
      this.values = new Int32Array(capacity);
      this.firsts = new Int32Array(capacity);
      this.generation = 0;
    }
    this.mask = Math.min(capacity, this.stamps.length) - 1;
    if (this.generation === 0x7fffffff) {
      this.stamps.fill(0);
      this.generation = 0;
    }
    this.generation++;
  }

  /** The slot of key (high, low); a new slot gets value 0 and first = `position`. Returns ~slot when new. */
  slot(high: number, low: number, position: number): number {
    let index = (high ^ Math.imul(low, 0x27d4eb2d)) & this.mask;
    while (true) {
      if (this.stamps[index] !== this.generation) {
        this.stamps[index] = this.generation;
        this.keysHigh[index] = high;
        this.keysLow[index] = low;
        this.values[index] = 0;
        this.firsts[index] = position;
        return ~index;
      }
      if (this.keysHigh[index] === high && this.keysLow[index] === low) return index;
      index = (index + 1) & this.mask;
    }
  }
}
