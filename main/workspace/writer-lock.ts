/**
 * The workspace's writer lock: one process at a time indexes, refines or merges a workspace.
 * SQLite serialises single transactions, not jobs: without this, two `refine` runs on one
 * database shared a job and could send the same documents to a model twice, and a CLI `index`
 * could rewrite documents under the app's refine.
 *
 * The lock is a row in `meta` (key writerLock): the holder's pid, host, what it does, since
 * when, and a heartbeat it renews every few seconds. Taking it is one IMMEDIATE transaction
 * (read, judge, write), so two processes racing for it are serialised by SQLite and exactly
 * one wins. A holder is dead, and its lock is taken over, when
 *  - it ran on this host and its pid no longer exists (a SIGKILL, a crash, a power cut), or
 *    its heartbeat is older than STALE_SAME_HOST_MS (the pid was reused by another program);
 *  - it ran on another host (a shared folder) and its heartbeat is older than STALE_OTHER_HOST_MS.
 * A holder that finds another token in the row at its next heartbeat has lost the lock (it was
 * judged dead while stopped, e.g. suspended): its `lost` signal aborts its job, which rolls
 * back the batch in flight as on Ctrl-C.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from '../store';
import { processAlive } from '../util/process-alive';
import { WorkspaceError } from './errors';

export type WriterPurpose = 'index' | 'refine' | 'merge';

export interface LockHolder {
  readonly token: string;
  readonly pid: number;
  readonly host: string;
  readonly purpose: WriterPurpose;
  /** ISO times. */
  readonly since: string;
  readonly heartbeat: string;
}

export const HEARTBEAT_MS = 5_000;
export const STALE_SAME_HOST_MS = 10 * 60_000;
export const STALE_OTHER_HOST_MS = 60_000;

export interface LockClock {
  readonly now?: () => number;
  readonly host?: string;
  readonly pid?: number;
}

export class WriterLock {
  private timer: NodeJS.Timeout | null = null;
  private readonly lostController = new AbortController();
  private released = false;

  private constructor(
    private readonly store: Store,
    readonly holder: LockHolder,
    /** The dead holder this lock was taken over from, if any. */
    readonly stolenFrom: LockHolder | null,
    private readonly clock: Required<LockClock>,
  ) {}

  /** Takes the lock for `purpose`, or throws WorkspaceError('busy') naming who holds it. */
  static acquire(store: Store, dbPath: string, purpose: WriterPurpose, clock: LockClock = {}): WriterLock {
    const c: Required<LockClock> = { now: clock.now ?? Date.now, host: clock.host ?? hostname(), pid: clock.pid ?? process.pid };
    const at = new Date(c.now()).toISOString();
    const holder: LockHolder = { token: randomUUID(), pid: c.pid, host: c.host, purpose, since: at, heartbeat: at };
    const stolenFrom = store.db
      .transaction(() => {
        const current = readHolder(store);
        if (current && holderAlive(current, c)) throw new WorkspaceError('busy', describeHolder(dbPath, current, c.now()));
        store.meta.set.run('writerLock', JSON.stringify(holder));
        return current;
      })
      .immediate();
    const lock = new WriterLock(store, holder, stolenFrom, c);
    lock.timer = setInterval(() => lock.beat(), HEARTBEAT_MS);
    lock.timer.unref();
    return lock;
  }

  /** Aborted when another process took the lock over from this one. */
  get lost(): AbortSignal {
    return this.lostController.signal;
  }

  /** Renews the heartbeat; finds out whether the lock was taken over. */
  beat(): void {
    if (this.released) return;
    try {
      const stillOurs = this.store.db
        .transaction(() => {
          const current = readHolder(this.store);
          if (current?.token !== this.holder.token) return false;
          this.store.meta.set.run('writerLock', JSON.stringify({ ...current, heartbeat: new Date(this.clock.now()).toISOString() }));
          return true;
        })
        .immediate();
      if (!stillOurs) {
        this.stopTimer();
        this.lostController.abort(new WorkspaceError('busy', 'another process took over the workspace lock (this one looked dead: was it suspended?); stopping'));
      }
    } catch {
      // Busy for longer than the connection's timeout, or closing: the next beat tries again.
    }
  }

  /** Gives the lock up (only if still ours). Safe to call twice. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.stopTimer();
    try {
      this.store.db
        .transaction(() => {
          if (readHolder(this.store)?.token === this.holder.token) this.store.meta.remove.run('writerLock');
        })
        .immediate();
    } catch {
      // The database is closing or gone: a holder that no longer runs is judged dead anyway.
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** The holder recorded in the workspace, if any (a row that does not parse counts as none). */
export function readHolder(store: Store): LockHolder | null {
  const raw = store.meta.value.get('writerLock');
  if (raw === undefined) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof parsed.token !== 'string' || typeof parsed.pid !== 'number' || typeof parsed.host !== 'string' || typeof parsed.heartbeat !== 'string') return null;
    return parsed as LockHolder;
  } catch {
    return null;
  }
}

export function holderAlive(holder: LockHolder, clock: Required<LockClock>): boolean {
  const age = clock.now() - Date.parse(holder.heartbeat);
  if (!Number.isFinite(age)) return false;
  if (holder.host !== clock.host) return age < STALE_OTHER_HOST_MS;
  if (holder.pid === clock.pid) return true; // another workspace object of this very process
  return processAlive(holder.pid) && age < STALE_SAME_HOST_MS;
}

function describeHolder(dbPath: string, holder: LockHolder, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(holder.heartbeat)) / 1000));
  return (
    `${dbPath} is locked: ${holder.purpose ?? 'a job'} is running in process ${holder.pid} on ${holder.host} ` +
    `(since ${holder.since}, last heartbeat ${seconds} s ago). Wait for it to finish or stop it (Ctrl-C, or pause/cancel in the app), then run this again.`
  );
}
