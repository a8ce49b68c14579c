/**
 * Turns job progress into desktop behaviour: keep the machine awake while a batch runs,
 * and tell the user when it finishes or fails. Free of Electron (effects are injected) so
 * the transitions can be unit tested.
 */
import type { EventName, JobStatus } from '../../contract/api';
import type { EventSubscribe } from '../api/transport/dispatch';

export interface BatchEffects {
  keepAwake(on: boolean): void;
  notify(title: string, body: string): void;
}

export function watchBatch(subscribe: EventSubscribe, effects: BatchEffects): () => void {
  let previous: JobStatus['state'] | null = null;
  let awake = false;
  return subscribe((event: EventName, payload: unknown) => {
    if (event !== 'job.progress') return;
    const job = payload as JobStatus;
    const running = job.state === 'running';
    if (running !== awake) {
      awake = running;
      effects.keepAwake(running);
    }
    if (job.state !== previous && (previous === 'running' || previous === 'paused' || previous === null)) {
      if (job.state === 'done') effects.notify('Batch finished', `${job.done.toLocaleString('en-US')} documents refined${job.errors ? `, ${job.errors} errors` : ''}.`);
      if (job.state === 'failed') effects.notify('Batch failed', job.message ?? 'See the Batch screen for details.');
    }
    previous = job.state;
  });
}
