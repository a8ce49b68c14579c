/**
 * Per-programmer retention over the corpus (Stats): for each programmer whose programs are
 * stored, the documents it refined and kept, and the words and tokens of those documents
 * before and after. Every document is executed once per programmer, as in the compare view
 * (main/workspace/compare.ts), which is far too much work for one request on a large corpus.
 *
 * So the work is one resumable pass per workspace, advanced a time slice per call (the
 * request thread is never held longer than that), and kept once finished until the programs
 * change: the schema's triggers bump `meta.programsVersion` on every change to the program
 * cache, runs or sources (migration 7), and the kind toggles and parse mode are part of the
 * version too. A pass that started at another version and is still being asked for finishes
 * as it is, marked stale (a refine writing programs all the while would otherwise restart it
 * forever; the UI asks afresh about once a second while a batch runs); once finished, or left
 * alone for ABANDONED_MS, the next fresh call starts over.
 */
import type { ProgrammerRetention, ProgrammerRetentionPass } from '../../contract/api';
import type { ExecutionSettings } from '../execution/settings';
import { estimateLlamaTokens } from '../prox/tokens';
import type { Store } from '../store';
import { executeByProgrammer } from './compare';

/** Documents read from the store at a time within a slice. */
const READ_PAGE = 200;
/** A pass nobody advanced for this long is no one's any more: a fresh call at another version starts over. */
const ABANDONED_MS = 5000;

interface Pass {
  /** The version the pass started at; null: the workspace has no version counter (never reused). */
  version: string | null;
  cursor: number;
  done: number;
  total: number;
  totals: Map<string, ProgrammerRetention>;
  complete: boolean;
  elapsedMs: number;
  /** performance.now() when a call last advanced it. */
  touchedAt: number;
}

export interface RetentionRequest {
  /** Go on with the pass under way (true), or ask afresh (false: a finished pass only if nothing changed since). */
  resume: boolean;
  /** Stop after this many milliseconds of work (at least one document is done per call). */
  budgetMs: number;
  /** Stop after this many documents, if given. */
  documents?: number;
}

export class ProgrammerRetentionPasses {
  private pass: Pass | null = null;

  constructor(private readonly store: Store) {}

  /** What the figures depend on besides the documents' texts: programs, runs, sources, kind toggles and parse mode. */
  version(settings: ExecutionSettings): string | null {
    const counter = this.store.meta.value.get('programsVersion');
    if (counter === undefined) return null;
    return `${counter}|${settings.mode}|${[...settings.disabledKinds].sort().join(',')}`;
  }

  advance(settings: ExecutionSettings, request: RetentionRequest): ProgrammerRetentionPass {
    const now = this.version(settings);
    let pass = this.pass;
    const current = pass !== null && pass.version !== null && pass.version === now;
    const over = pass !== null && (pass.complete || performance.now() - pass.touchedAt > ABANDONED_MS);
    if (!pass || (!request.resume && !current && over)) {
      pass = { version: now, cursor: 0, done: 0, total: this.store.documents.count.get() ?? 0, totals: new Map(), complete: false, elapsedMs: 0, touchedAt: 0 };
      this.pass = pass;
    }
    if (!pass.complete) this.work(pass, settings, request.budgetMs, request.documents ?? Number.POSITIVE_INFINITY);
    pass.touchedAt = performance.now();
    const stale = pass.version === null || pass.version !== this.version(settings);
    return { programmers: [...pass.totals.values()].map((t) => ({ ...t })), done: pass.done, total: Math.max(pass.total, pass.done), complete: pass.complete, stale, elapsedMs: Math.round(pass.elapsedMs) };
  }

  private work(pass: Pass, settings: ExecutionSettings, budgetMs: number, maxDocuments: number): void {
    const started = performance.now();
    const deadline = started + budgetMs;
    let documents = 0;
    const enough = (): boolean => documents >= maxDocuments || performance.now() >= deadline;
    try {
      for (;;) {
        const rows = this.store.documents.textsAfter.all(pass.cursor, Math.min(READ_PAGE, maxDocuments - documents));
        for (const row of rows) {
          addDocument(pass.totals, this.store, row.text, row.content_hash, settings);
          pass.cursor = row.seq;
          pass.done++;
          documents++;
          if (enough()) break;
        }
        // Out of time, or out of documents: a pass that did its last document says so in the same call.
        if (this.store.documents.textsAfter.all(pass.cursor, 1).length === 0) {
          pass.complete = true;
          pass.total = pass.done;
          return;
        }
        if (enough()) return;
      }
    } finally {
      pass.elapsedMs += performance.now() - started;
    }
  }
}

function addDocument(totals: Map<string, ProgrammerRetention>, store: Store, text: string, contentHash: string, settings: ExecutionSettings): void {
  const executions = executeByProgrammer(store, text, contentHash, settings);
  if (executions.length === 0) return;
  const originalTokens = estimateLlamaTokens(text);
  for (const { key, label, dialect, execution } of executions) {
    const id = `${dialect}\u0000${label}`;
    let t = totals.get(id);
    if (!t) {
      t = { key, label, dialect, documents: 0, keptDocuments: 0, originalWords: 0, keptWords: 0, originalTokens: 0, keptTokens: 0 };
      totals.set(id, t);
    }
    t.documents++;
    t.originalWords += execution.originalWords;
    t.originalTokens += originalTokens;
    if (execution.dropped) continue;
    t.keptDocuments++;
    t.keptWords += execution.keptWords;
    t.keptTokens += execution.text === text ? originalTokens : estimateLlamaTokens(execution.text);
  }
}
