import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../../../contract/api';
import { idleStatus } from '../../../main/jobs/refine-job';
import { laterJob } from '../../../renderer/src/store/later-job';

const status = (id: string, state: JobStatus['state']): JobStatus => ({ ...idleStatus(), id, state });

describe('laterJob', () => {
  it('keeps an ended batch when a late answer says it runs (refine.start answering after the job ended)', () => {
    const done = status('7', 'done');
    expect(laterJob(done, status('7', 'running'))).toBe(done);
    const failed = status('7', 'failed');
    expect(laterJob(failed, status('7', 'paused'))).toBe(failed);
  });

  it('takes every other answer: a new batch, a later state, a cancelled batch started again', () => {
    const next = status('8', 'running');
    expect(laterJob(status('7', 'done'), next)).toBe(next);
    const ended = status('7', 'done');
    expect(laterJob(status('7', 'running'), ended)).toBe(ended);
    const resumed = status('7', 'running');
    expect(laterJob(status('7', 'cancelled'), resumed)).toBe(resumed);
    expect(laterJob(null, resumed)).toBe(resumed);
  });
});
