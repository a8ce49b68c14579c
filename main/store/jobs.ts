/** The `jobs` table: refine jobs, so an interrupted one can be continued. */
import type { Prepare } from './statement';

export interface JobRecord {
  id: number;
  spec: string;
  stages: string;
  state: string;
  programmer: string | null;
  errors: number;
  message: string | null;
  started_at: string;
  finished_at: string | null;
}

export function jobStatements(p: Prepare) {
  return {
    insert: p<{ spec: string; stages: string; state: string; programmer: string | null; started_at: string }>(
      'INSERT INTO jobs (spec, stages, state, programmer, started_at) VALUES (@spec, @stages, @state, @programmer, @started_at)',
    ),
    update: p<{ id: number; state: string; errors: number; message: string | null; finished_at: string | null }>(
      'UPDATE jobs SET state = @state, errors = @errors, message = @message, finished_at = @finished_at WHERE id = @id',
    ),
    last: p<[], JobRecord>('SELECT * FROM jobs ORDER BY id DESC LIMIT 1'),
  };
}
