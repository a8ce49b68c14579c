/**
 * Which shard a worker is, and which documents are its own. `i/N` is 0-based (`0/3`, `1/3`,
 * `2/3`); `auto` reads the array-job environment: Slurm (SLURM_ARRAY_TASK_ID minus
 * SLURM_ARRAY_TASK_MIN, of SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed Job
 * (JOB_COMPLETION_INDEX, with the count from REFINERY_SHARD_COUNT or `auto/N`).
 *
 * A document belongs to shard hash(file, position) mod N: the same everywhere, whatever the
 * machine, so every document is refined by exactly one shard.
 */
import { createHash } from 'node:crypto';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export class ShardSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardSpecError';
  }
}

export function describeShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** `i/N`, `auto` or `auto/N`. */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const value = text.trim();
  if (value === 'auto' || value.startsWith('auto/')) return shardFromEnvironment(env, value === 'auto' ? null : count(value.slice('auto/'.length), text));
  const match = /^(\d+)\/(\d+)$/.exec(value);
  if (!match) throw new ShardSpecError(`--shard ${text}: expected i/N (0-based, e.g. 0/4), auto or auto/N`);
  return checked(Number(match[1]), Number(match[2]), `--shard ${text}`);
}

export function shardFromEnvironment(env: NodeJS.ProcessEnv, givenCount: number | null): Shard {
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const id = integer(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID');
    const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : integer(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN');
    const total = givenCount ?? (env.SLURM_ARRAY_TASK_COUNT === undefined ? null : integer(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT'));
    if (total === null) throw new ShardSpecError('--shard auto: SLURM_ARRAY_TASK_COUNT is not set; submit with sbatch --array, or give --shard auto/N');
    return checked(id - min, total, `Slurm array task ${id} (first ${min}, count ${total})`);
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    const index = integer(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX');
    const total = givenCount ?? (env.REFINERY_SHARD_COUNT === undefined ? null : integer(env.REFINERY_SHARD_COUNT, 'REFINERY_SHARD_COUNT'));
    if (total === null) throw new ShardSpecError('--shard auto in a Kubernetes Indexed Job needs the count: set REFINERY_SHARD_COUNT to the Job\'s completions, or give --shard auto/N');
    return checked(index, total, `Kubernetes completion index ${index} of ${total}`);
  }
  throw new ShardSpecError('--shard auto: neither SLURM_ARRAY_TASK_ID (Slurm array job) nor JOB_COMPLETION_INDEX (Kubernetes Indexed Job) is set; give --shard i/N');
}

/**
 * A document's key for sharding: its file (relative to the folder) and position in it. Known
 * before the document is stored, and the same in every workspace of the folder (document ids
 * are not: a duplicate input id gets a fallback id that depends on what else was indexed).
 */
export function shardKey(relPath: string, ord: number): string {
  return `${relPath}\n${ord}`;
}

/** The shard a key belongs to among `count`. */
export function shardOf(key: string, count: number): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % count;
}

export function inShard(key: string, shard: Shard): boolean {
  return shard.count === 1 || shardOf(key, shard.count) === shard.index;
}

function checked(index: number, total: number, what: string): Shard {
  if (!Number.isInteger(total) || total < 1) throw new ShardSpecError(`${what}: the shard count must be at least 1`);
  if (!Number.isInteger(index) || index < 0 || index >= total) throw new ShardSpecError(`${what}: shard ${index} is outside 0..${total - 1}`);
  return { index, count: total };
}

function count(text: string, whole: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new ShardSpecError(`--shard ${whole}: N must be a positive integer`);
  return n;
}

function integer(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new ShardSpecError(`${name}=${text} is not an integer`);
  return n;
}
