/**
 * Several servers behind one queue. Each request goes to the endpoint with the most free
 * capacity (each has its own concurrency). A timeout, a dropped connection or a 5xx puts that
 * endpoint in backoff (exponential, with jitter) and the request is tried on another one; a
 * server found answering for another model is retired. When every endpoint has failed a
 * request `maxAttempts` times in a row, the pool gives up with EngineUnavailableError: the
 * caller stores nothing for the batch, and running again later continues where it stopped.
 */
import { EngineUnavailableError } from '../../native/llama/engine';
import { RateMeter } from '../util/rate-meter';
import type { Endpoint, ServedModel } from './endpoint';
import { RetryableError } from './endpoint';
import { WrongModelError } from './server-protocol';

export interface PoolMember {
  readonly endpoint: Endpoint;
  readonly served: ServedModel;
  readonly concurrency: number;
}

export interface EndpointStats {
  readonly url: string;
  readonly model: string;
  readonly state: 'up' | 'backing-off' | 'retired';
  readonly inFlight: number;
  readonly concurrency: number;
  readonly requests: number;
  readonly failures: number;
  readonly tokensPerSecond: number;
  readonly lastError: string | null;
}

export interface PoolOptions {
  /** Tries of one request, over all endpoints, before giving up; default 8. */
  readonly maxAttempts?: number;
  /** First backoff of a failing endpoint; doubled per consecutive failure; default 500 ms. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
}

interface Member extends PoolMember {
  inFlight: number;
  requests: number;
  failures: number;
  consecutiveFailures: number;
  downUntil: number;
  retired: string | null;
  lastError: string | null;
  readonly rate: RateMeter;
}

export class EndpointPool {
  private readonly members: Member[];
  private waiters: Array<() => void> = [];
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(members: readonly PoolMember[], options: PoolOptions = {}) {
    if (members.length === 0) throw new Error('an endpoint pool needs at least one endpoint');
    this.members = members.map((m) => ({ ...m, inFlight: 0, requests: 0, failures: 0, consecutiveFailures: 0, downUntil: 0, retired: null, lastError: null, rate: new RateMeter(10_000) }));
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoffMs = options.backoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
  }

  /** Requests the pool runs at once, all endpoints together. */
  get capacity(): number {
    return this.members.filter((m) => m.retired === null).reduce((sum, m) => sum + m.concurrency, 0);
  }

  /**
   * Runs `task` on an endpoint, retrying elsewhere on retryable failures. `task` returns its
   * result and the tokens it processed (for the endpoint's tokens/s).
   */
  async run<T>(task: (member: PoolMember) => Promise<{ result: T; tokens: number }>, signal?: AbortSignal): Promise<T> {
    const errors: string[] = [];
    let lastTried: Member | null = null;
    for (let attempt = 1; ; attempt++) {
      const member = await this.acquire(lastTried, signal);
      if (member === null) throw new EngineUnavailableError(`no endpoint is left to ask: ${this.retiredReasons()}`);
      try {
        const { result, tokens } = await task(member);
        member.consecutiveFailures = 0;
        member.requests++;
        member.rate.add(tokens);
        return result;
      } catch (err) {
        if (signal?.aborted) throw err;
        if (err instanceof WrongModelError) {
          member.retired = err.message;
          member.lastError = err.message;
        } else if (err instanceof RetryableError) {
          member.failures++;
          member.consecutiveFailures++;
          member.lastError = err.message;
          const backoff = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (member.consecutiveFailures - 1));
          member.downUntil = Date.now() + backoff * (0.75 + Math.random() * 0.5);
        } else {
          throw err; // this request's own problem (a 4xx, a prompt too long): the document fails, not the pool
        }
        errors.push(err.message);
        lastTried = member;
        if (attempt >= this.maxAttempts) {
          throw new EngineUnavailableError(`gave up after ${attempt} tries on ${this.members.length} endpoint(s); last errors: ${errors.slice(-3).join(' | ')}`);
        }
      } finally {
        member.inFlight--;
        this.wake();
      }
    }
  }

  stats(): EndpointStats[] {
    const now = Date.now();
    return this.members.map((m) => ({
      url: m.endpoint.label,
      model: m.served.id,
      state: m.retired !== null ? 'retired' : m.downUntil > now ? 'backing-off' : 'up',
      inFlight: m.inFlight,
      concurrency: m.concurrency,
      requests: m.requests,
      failures: m.failures,
      tokensPerSecond: m.rate.perSecond(),
      lastError: m.lastError,
    }));
  }

  /** A member with a free slot, preferring one other than `avoid`; waits while all are busy or backing off; null when all are retired. */
  private async acquire(avoid: Member | null, signal?: AbortSignal): Promise<Member | null> {
    while (true) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
      const live = this.members.filter((m) => m.retired === null);
      if (live.length === 0) return null;
      const now = Date.now();
      const ready = live.filter((m) => m.downUntil <= now && m.inFlight < m.concurrency);
      const others = ready.filter((m) => m !== avoid);
      const pick = (others.length > 0 ? others : ready).sort((a, b) => a.inFlight / a.concurrency - b.inFlight / b.concurrency)[0];
      if (pick) {
        pick.inFlight++;
        return pick;
      }
      const nextUp = Math.min(...live.map((m) => (m.downUntil > now ? m.downUntil : Infinity)));
      await this.waitForChange(Number.isFinite(nextUp) ? Math.max(10, nextUp - now) : 1000, signal);
    }
  }

  private waitForChange(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.push(done);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private retiredReasons(): string {
    return this.members.map((m) => `${m.endpoint.label}: ${m.retired ?? m.lastError ?? 'unavailable'}`).join('; ');
  }
}
