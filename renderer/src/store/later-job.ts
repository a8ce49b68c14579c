import type { JobStatus } from '../../../contract/api';

/**
 * The batch status to show when a call answers with `next`. A call's answer can arrive after the
 * job.progress events that followed it: a batch with nothing to do (one that does not retry its
 * failed documents, say) ends before refine.start answers "running". An ended batch never runs
 * again under its id (starting again makes a new job), so an answer never takes it back.
 */
export function laterJob(current: JobStatus | null, next: JobStatus): JobStatus {
  const ended = (job: JobStatus) => job.state === 'done' || job.state === 'failed';
  return current !== null && current.id === next.id && ended(current) && !ended(next) ? current : next;
}
