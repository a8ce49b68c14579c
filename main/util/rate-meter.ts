/** Items per second over a sliding window, so a rate reflects now rather than the whole run. */
export class RateMeter {
  private readonly samples: { at: number; count: number }[] = [];
  private readonly started = performance.now();

  constructor(private readonly windowMs = 20_000) {}

  add(count: number, at = performance.now()): void {
    this.samples.push({ at, count });
    while (this.samples.length > 1 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
  }

  perSecond(at = performance.now()): number {
    const total = this.samples.reduce((sum, s) => sum + s.count, 0);
    if (total === 0) return 0;
    const from = this.samples.length > 1 ? Math.min(this.samples[0]!.at, at - this.windowMs) : this.started;
    const span = (at - Math.max(from, this.started)) / 1000;
    return span > 0 ? total / span : 0;
  }
}
