/**
 * How a batch is going or how it ended, in the words a user asks in: one bar per stage whose
 * label and fill come from the same two numbers, and for a finished batch a headline with what
 * the corpus became (kept, changed, dropped, failed) and how long it took.
 */
import type { JobStatus } from '../../../contract/api';
import { formatCount, formatDuration, formatRate } from '../format';
import { ProgressBar } from './ProgressBar';

const STAGE_LABELS: Record<string, string> = { doc: 'Document stage', chunk: 'Chunk stage', ultrax: 'UltraX stage' };

/** Seconds from start to end of a finished batch (wall time, pauses included); null when unknown. */
export function jobSeconds(job: JobStatus): number | null {
  if (!job.startedAt || !job.finishedAt) return null;
  const seconds = (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/** "69 documents in 4s: 52 kept (12 of them changed), 17 dropped", or null while nothing is known. */
export function jobHeadline(job: JobStatus): string | null {
  const outcome = job.outcome;
  if (!outcome) return null;
  const kept = outcome.kept + outcome.modified;
  const seconds = jobSeconds(job);
  const parts = [`${formatCount(kept)} kept${outcome.modified > 0 ? ` (${formatCount(outcome.modified)} of them changed)` : ''}`, `${formatCount(outcome.dropped)} dropped`];
  if (outcome.errors > 0) parts.push(`${formatCount(outcome.errors)} failed`);
  if (outcome.pending > 0) parts.push(`${formatCount(outcome.pending)} not refined`);
  return `${formatCount(outcome.documents)} documents${seconds !== null ? ` in ${formatDuration(seconds)}` : ''}: ${parts.join(', ')}`;
}

/** One bar per stage: the running stage carries the rate and time left. */
export function StageProgress({ job }: { job: JobStatus }) {
  const running = job.state === 'running';
  return (
    <div className="stage-progress">
      {job.stages.map((s) => {
        const current = s.stage === job.stage;
        return (
          <div key={s.stage} className={`stage-progress-row${current ? ' current' : ''}`} data-stage={s.stage}>
            <ProgressBar
              done={s.done}
              total={s.total}
              label={STAGE_LABELS[s.stage] ?? s.stage}
              rate={current && running ? `${formatRate(job.docsPerSecond, 'docs')} · ${formatRate(job.tokensPerSecond, 'tok')}` : undefined}
              eta={current && running ? job.etaSeconds : undefined}
            />
          </div>
        );
      })}
    </div>
  );
}
