/**
 * One refine job from request to final state, shared by the CLI (in-process) and the
 * service's worker thread: it records the job, resolves the programmers, runs the batches and
 * leaves the job row saying how it ended. Starting the same request after a crash or a cancel
 * continues the interrupted job instead of starting over.
 */
import { ProgrammerSpecSchema, type JobState, type JobStatus, type ProgrammerSpec, type StageSelection } from '../../contract/api';
import { recomputeDerived } from '../execution/document';
import { readSettings } from '../execution/settings';
import type { ProgramSlot } from '../prox/programmer';
import { describeSpec, distinctProgrammers, resolveProgrammers, stagesFor, type StageProgrammers } from '../stage-programmers/resolve';
import type { EndpointStats, PoolOptions } from '../remote/endpoint-pool';
import type { Store } from '../store';
import { runRefine, type RefineProgress } from './refine-runner';

export type { JobStatus };

export interface RefineRequest {
  readonly spec: ProgrammerSpec;
  readonly stages: StageSelection;
  readonly modelsDir?: string;
  readonly batchSize?: number;
  /** Ask again for documents whose programmer failed before (default true); false: --no-retry. */
  readonly retryFailed?: boolean;
  /** Retry and backoff for remote endpoints; default: the pool's own. */
  readonly remotePool?: PoolOptions;
}

export interface RefineJobHooks {
  readonly signal?: AbortSignal;
  readonly gate?: () => Promise<void>;
  readonly onStatus?: (status: JobStatus) => void;
}

/**
 * The message of a job that ended with failed documents. The count is the status's `errors`
 * and is not repeated here (the CLI printed "1 documents failed; 1 documents failed").
 */
export const FAILED_DOCUMENTS_MESSAGE = 'the programmer failed on some documents (Corpus: Errors); they stay failed until the next batch asks again (unless it is told not to retry: refine --no-retry, or the Retry box on the Batch screen unchecked)';

export function idleStatus(): JobStatus {
  return { id: null, state: 'idle', programmer: null, spec: null, stage: null, done: 0, total: 0, stages: [], docsPerSecond: 0, tokensPerSecond: 0, etaSeconds: null, errors: 0, message: null, startedAt: null };
}

/** The last job as stored, for a status query when no job runs in this process. */
export function storedJobStatus(store: Store): JobStatus {
  const job = store.jobs.last.get();
  if (!job) return idleStatus();
  // A job the database says is running but nobody runs was interrupted (crash, kill).
  const state = job.state === 'running' ? 'paused' : (job.state as JobState);
  const message = job.state === 'running' ? 'interrupted: start the same refine again to continue where it stopped' : job.message;
  return {
    ...idleStatus(),
    id: String(job.id),
    state,
    programmer: job.programmer,
    spec: storedSpec(job.spec),
    errors: job.errors,
    message,
    startedAt: job.started_at,
    finishedAt: job.finished_at,
    outcome: state === 'done' ? documentOutcome(store) : null,
  };
}

/** The workspace's documents by status, for the headline of a finished batch. */
export function documentOutcome(store: Store): NonNullable<JobStatus['outcome']> {
  const outcome = { documents: 0, kept: 0, modified: 0, dropped: 0, errors: 0, pending: 0 };
  for (const { status, n } of store.documents.countByStatus.all()) {
    outcome.documents += n;
    if (status === 'kept' || status === 'modified' || status === 'dropped' || status === 'pending') outcome[status] += n;
    else if (status === 'error') outcome.errors += n;
  }
  return outcome;
}

function storedSpec(json: string): ProgrammerSpec | null {
  try {
    const parsed = ProgrammerSpecSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Per-endpoint figures of the remote programmers among `programmers`, if any. */
function endpointsOf(programmers: StageProgrammers): { endpoints?: EndpointStats[] } {
  const endpoints = distinctProgrammers(programmers).flatMap((p) => ('endpointStats' in p && typeof p.endpointStats === 'function' ? (p.endpointStats as () => EndpointStats[])() : []));
  return endpoints.length > 0 ? { endpoints } : {};
}

export async function runRefineJob(store: Store, request: RefineRequest, hooks: RefineJobHooks = {}): Promise<JobStatus> {
  const specJson = JSON.stringify(request.spec);
  const label = describeSpec(request.spec);
  const last = store.jobs.last.get();
  const now = new Date().toISOString();
  let jobId: number;
  let startedAt: string;
  if (last && (last.state === 'running' || last.state === 'paused' || last.state === 'cancelled') && last.spec === specJson && last.stages === request.stages) {
    jobId = last.id;
    startedAt = last.started_at;
  } else {
    jobId = Number(store.jobs.insert.run({ spec: specJson, stages: request.stages, state: 'running', programmer: label, started_at: now }).lastInsertRowid);
    startedAt = now;
  }
  let status: JobStatus = { ...idleStatus(), id: String(jobId), state: 'running', programmer: label, spec: request.spec, startedAt, message: null };
  const emit = (patch: Partial<JobStatus>) => {
    status = { ...status, ...patch };
    hooks.onStatus?.(status);
  };
  const finish = (state: JobState, message: string | null, errors: number) => {
    const finishedAt = state === 'done' || state === 'failed' ? new Date().toISOString() : null;
    store.jobs.update.run({ id: jobId, state, errors, message, finished_at: finishedAt });
    emit({ state, message, errors, etaSeconds: state === 'done' ? 0 : null, finishedAt, outcome: state === 'done' ? documentOutcome(store) : null });
    return status;
  };
  store.jobs.update.run({ id: jobId, state: 'running', errors: last?.id === jobId ? last.errors : 0, message: null, finished_at: null });
  emit({});

  let programmers;
  let stages: ProgramSlot[];
  try {
    stages = stagesFor(request.spec, request.stages);
    programmers = await resolveProgrammers(request.spec, stages, { modelsDir: request.modelsDir, ...(request.remotePool ? { remotePool: request.remotePool } : {}) });
  } catch (err) {
    return finish('failed', err instanceof Error ? err.message : String(err), 0);
  }
  const labels = [...new Set(distinctProgrammers(programmers).map((p) => p.info.label))].join(' + ');
  emit({ programmer: labels });
  // Documents that stay failed whatever this run does: the earlier failures when they are not retried.
  const failedNow = () => stages.reduce((sum, stage) => sum + (store.programs.failedCount.get(stage) ?? 0), 0);
  const priorErrors = request.retryFailed === false ? failedNow() : 0;
  try {
    const outcome = await runRefine(store, {
      stages,
      programmers,
      batchSize: request.batchSize,
      retryFailed: request.retryFailed,
      signal: hooks.signal,
      gate: hooks.gate,
      // Settings are re-read per document so a toggle changed mid-job applies to the rest.
      recompute: (seq) => recomputeDerived(store, seq, readSettings(store)),
      onProgress: (p: RefineProgress) => emit({ ...p, errors: priorErrors + p.errors, ...endpointsOf(programmers) }),
    });
    // What the database holds, not a sum of runs: a document failed twice, or failed then retried, counts once.
    const errors = failedNow();
    if (outcome.cancelled) return finish('cancelled', 'cancelled: start the same refine again to continue where it stopped', errors);
    return finish('done', errors > 0 ? FAILED_DOCUMENTS_MESSAGE : null, errors);
  } catch (err) {
    return finish('failed', `refine failed: ${err instanceof Error ? err.message : String(err)}`, failedNow());
  } finally {
    await Promise.all(distinctProgrammers(programmers).map((p) => p.dispose().catch(() => undefined)));
  }
}
