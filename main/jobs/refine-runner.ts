/**
 * The batch refine loop: stage 1 (doc programs) over every document, then stage 2 (chunk
 * programs) over the documents stage 1 kept; or UltraX's one stage (a whole-document program)
 * over every document. Work is taken in batches in document order; each
 * batch's programs, cache entries and derived columns are committed in one transaction, so a
 * process killed at any moment restarts exactly where the last commit left off: what is
 * committed is never redone, what was in flight is redone once.
 *
 * The same document text (content hash), stage and programmer key is answered from the
 * program cache and never sent to the programmer twice, also across re-indexing.
 */
import type { StageSelection } from '../../contract/api';
import type { ChunkProgram, Programmer, ProgramSlot, StageProgram } from '../prox/programmer';
import { clearOtherDialect, type PendingDoc, type Store } from '../store';
import { programmerKey } from './programmer-key';
import { RateMeter } from '../util/rate-meter';

export interface StageStatus {
  stage: ProgramSlot;
  done: number;
  total: number;
}

export interface RefineProgress {
  stage: ProgramSlot | null;
  done: number;
  total: number;
  stages: StageStatus[];
  docsPerSecond: number;
  tokensPerSecond: number;
  etaSeconds: number | null;
  errors: number;
}

export interface RefineRunOptions {
  /** ProX's stage selection, or the stages to run in order. */
  readonly stages: StageSelection | readonly ProgramSlot[];
  readonly programmers: Partial<Record<ProgramSlot, Programmer>>;
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RefineProgress) => void;
  /** Awaited before each batch: resolves at once unless the job is paused. */
  readonly gate?: () => Promise<void>;
  /**
   * Ask again for the documents whose programmer failed in an earlier run (default true:
   * --retry-failed); false keeps them failed (--no-retry).
   */
  readonly retryFailed?: boolean;
  /** Recomputes one document's derived columns after its programs changed (inside the batch transaction). */
  readonly recompute: (seq: number) => void;
  /**
   * Only this document (its seq): "refine this document now". It goes through the same loop,
   * cache and storage as a batch, and is skipped like in a batch when the programmer's program
   * is already stored or a hand edit holds its slot.
   */
  readonly only?: number;
}

export interface RefineOutcome {
  cancelled: boolean;
  /** Documents processed per stage run. */
  processed: Partial<Record<ProgramSlot, number>>;
  /** Programs answered by the program cache (not asked of the programmer). */
  cacheHits: number;
  errors: number;
}

const DEFAULT_BATCH = 32;

export function stagesOf(selection: StageSelection | readonly ProgramSlot[]): ProgramSlot[] {
  if (typeof selection !== 'string') return [...selection];
  return selection === 'both' ? ['doc', 'chunk'] : [selection];
}

export async function runRefine(store: Store, options: RefineRunOptions): Promise<RefineOutcome> {
  const stages = stagesOf(options.stages);
  for (const stage of stages) {
    const programmer = options.programmers[stage];
    if (!programmer) throw new Error(`no programmer for the ${stage} stage`);
    if (!programmer.stages.includes(stage)) throw new Error(`${programmer.info.label} cannot write ${stage}-stage programs`);
  }
  const keys: Partial<Record<ProgramSlot, string>> = {};
  const runIds: Partial<Record<ProgramSlot, number>> = {};
  for (const stage of stages) {
    const programmer = options.programmers[stage]!;
    const key = programmerKey(programmer.info);
    keys[stage] = key;
    runIds[stage] = ensureRun(store, stage, key, programmer);
  }

  // Failures stored before this moment are pending again; this run's own are not asked twice.
  const retryBefore = options.retryFailed === false ? '' : new Date().toISOString();
  const outcome: RefineOutcome = { cancelled: false, processed: Object.fromEntries(stages.map((stage) => [stage, 0])), cacheHits: 0, errors: 0 };
  const docRate = new RateMeter();
  const tokenRate = new RateMeter();
  let current: ProgramSlot | null = null;

  const totals = (): StageStatus[] =>
    stages.map((stage) => {
      const key = keys[stage]!;
      if (stage === 'doc' || stage === 'ultrax') {
        const total = store.documents.count.get() ?? 0;
        const pending = (stage === 'doc' ? store.programs.countPendingDocStage : store.programs.countPendingUltraxStage).get({ key, retryBefore });
        return { stage, total, done: total - (pending ?? 0) };
      }
      // Before stage 1 has finished, stage 2's total is the number kept so far.
      const total = store.documents.countKeptAfterDocStage.get() ?? 0;
      return { stage, total, done: total - (store.programs.countPendingChunkStage.get({ key, retryBefore }) ?? 0) };
    });
  const report = () => {
    if (!options.onProgress) return;
    const all = totals();
    const now = all.find((s) => s.stage === current) ?? all[all.length - 1]!;
    const remaining = all.reduce((sum, s) => sum + (s.total - s.done), 0);
    const rate = docRate.perSecond();
    options.onProgress({
      stage: current,
      done: now.done,
      total: now.total,
      stages: all,
      docsPerSecond: rate,
      tokensPerSecond: tokenRate.perSecond(),
      etaSeconds: remaining === 0 ? 0 : rate > 0 ? remaining / rate : null,
      errors: outcome.errors,
    });
  };

  report();
  for (const stage of stages) {
    current = stage;
    const programmer = options.programmers[stage]!;
    const key = keys[stage]!;
    const runId = runIds[stage]!;
    let after = options.only === undefined ? 0 : options.only - 1;
    while (options.only === undefined || after < options.only) {
      // Let the event loop turn between batches: a programmer that answers without I/O (the
      // rules) would otherwise keep signals, pause/cancel messages and timers (the writer
      // lock's heartbeat) waiting until the whole job has ended.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await options.gate?.();
      if (options.signal?.aborted) {
        outcome.cancelled = true;
        break;
      }
      const pending = stage === 'doc' ? store.programs.pendingDocStage : stage === 'chunk' ? store.programs.pendingChunkStage : store.programs.pendingUltraxStage;
      const found = pending.all({ after, key, retryBefore, limit: options.only === undefined ? (options.batchSize ?? DEFAULT_BATCH) : 1 });
      const batch = options.only === undefined ? found : found.filter((d) => d.seq === options.only);
      if (batch.length === 0) break;
      after = batch[batch.length - 1]!.seq;

      const { fromCache, toAsk } = splitByCache(store, stage, key, batch);
      let answers: StageProgram[] = [];
      let streamedTokens = false;
      if (toAsk.length > 0) {
        answers = await programmer.writePrograms(
          stage,
          toAsk.map((d) => ({ id: d.id, text: d.text })),
          {
            signal: options.signal,
            onTokens: (delta) => {
              streamedTokens = true;
              tokenRate.add(delta.promptTokens + delta.generatedTokens);
            },
          },
        );
        if (answers.length !== toAsk.length) throw new Error(`${programmer.info.label} returned ${answers.length} programs for ${toAsk.length} documents`);
      }
      // A cancel while the programmer was busy discards its answers: nothing half-done is stored.
      if (options.signal?.aborted) {
        outcome.cancelled = true;
        break;
      }
      const byHash = new Map<string, StageProgram>();
      toAsk.forEach((d, i) => byHash.set(d.content_hash, answers[i]!));

      const now = new Date().toISOString();
      store.db.transaction(() => {
        for (const doc of batch) {
          const cached = fromCache.get(doc.seq);
          const answer = cached ?? byHash.get(doc.content_hash)!;
          storeProgram(store, doc, stage, runId, key, answer, now);
          if (!cached && !answer.failure) storeCache(store, doc.content_hash, stage, key, answer);
          if (answer.failure) outcome.errors += 1;
          options.recompute(doc.seq);
        }
      }).immediate();

      outcome.processed[stage] = (outcome.processed[stage] ?? 0) + batch.length;
      outcome.cacheHits += fromCache.size;
      docRate.add(batch.length);
      // Programmers that stream onTokens were counted as they went; the rest count on return.
      if (!streamedTokens) tokenRate.add(answers.reduce((sum, a) => sum + a.promptTokens + a.generatedTokens, 0));
      report();
    }
    if (outcome.cancelled) break;
  }
  current = outcome.cancelled ? current : null;
  report();
  return outcome;
}

function ensureRun(store: Store, stage: ProgramSlot, key: string, programmer: Programmer): number {
  const existing = store.runs.byKey.get(stage, key);
  if (existing !== undefined) return existing;
  const info = programmer.info;
  return Number(
    store.runs.insert.run({
      stage,
      programmer_key: key,
      programmer_id: info.id,
      kind: info.kind,
      label: info.label,
      model_hash: info.modelHash ?? null,
      prompt_version: info.promptVersion ?? null,
      grammar_version: info.grammarVersion ?? null,
      parameters: JSON.stringify(info.parameters),
      created_at: new Date().toISOString(),
    }).lastInsertRowid,
  );
}

/** Cache hits, and one representative per distinct text among the misses (duplicates are asked once). */
function splitByCache(store: Store, stage: ProgramSlot, key: string, batch: PendingDoc[]) {
  const fromCache = new Map<number, StageProgram>();
  const toAsk: PendingDoc[] = [];
  const asked = new Set<string>();
  for (const doc of batch) {
    const hit = store.programCache.get.get(doc.content_hash, stage, key);
    if (hit) {
      fromCache.set(doc.seq, {
        id: doc.id,
        stage,
        program: hit.program,
        notes: JSON.parse(hit.notes) as StageProgram['notes'],
        keepProbability: hit.keep_probability ?? undefined,
        chunks: hit.chunks === null ? undefined : (JSON.parse(hit.chunks) as ChunkProgram[]),
        promptTokens: hit.prompt_tokens,
        generatedTokens: hit.generated_tokens,
      });
    } else if (!asked.has(doc.content_hash)) {
      asked.add(doc.content_hash);
      toAsk.push(doc);
    }
  }
  return { fromCache, toAsk };
}

function storeProgram(store: Store, doc: PendingDoc, stage: ProgramSlot, runId: number, key: string, answer: StageProgram, now: string): void {
  // A document is refined in one dialect at a time: the other dialect's programs go.
  clearOtherDialect(store, doc.seq, stage);
  store.programs.upsert.run({
    doc_seq: doc.seq,
    stage,
    run_id: runId,
    programmer_key: key,
    program: answer.program,
    notes: JSON.stringify(answer.notes),
    keep_probability: answer.keepProbability ?? null,
    failure: answer.failure ?? null,
    prompt_tokens: answer.promptTokens,
    generated_tokens: answer.generatedTokens,
    edited: 0,
    created_at: now,
  });
  // Chunk programs, or UltraX's window answers: one list per document.
  if (stage !== 'doc') {
    store.programs.deleteChunks.run(doc.seq);
    (answer.chunks ?? []).forEach((chunk, idx) =>
      store.programs.insertChunk.run({ doc_seq: doc.seq, idx, first_line: chunk.firstLine, last_line: chunk.lastLine, program: chunk.program, skipped: chunk.skipped ?? null }),
    );
  }
  // A new program invalidates per-operation toggles: its line numbers mean other operations.
  store.toggles.clearStage.run(doc.seq, stage);
}

function storeCache(store: Store, hash: string, stage: ProgramSlot, key: string, answer: StageProgram): void {
  store.programCache.put.run({
    content_hash: hash,
    stage,
    programmer_key: key,
    program: answer.program,
    notes: JSON.stringify(answer.notes),
    keep_probability: answer.keepProbability ?? null,
    chunks: answer.chunks ? JSON.stringify(answer.chunks) : null,
    prompt_tokens: answer.promptTokens,
    generated_tokens: answer.generatedTokens,
  });
}
