/**
 * Shard workers end to end, through the CLI as a user runs it: three `refine --shard i/3`
 * workspaces, `merge`, `export`, byte for byte the export of one process refining everything
 * (rules programmer); per-shard exports partition the corpus; and the same through a real
 * single-node Slurm (Debian's slurmctld/slurmd/munge, started here as root) running
 * examples/slurm/refine.sbatch as an array job of 3 tasks.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempHome } from '../workspace/helpers';
import { writeSyntheticCorpus } from '../workspace/synthetic-corpus';

const home = tempHome('refinery-shards-');
const cli = [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoRoot, 'main', 'cli.ts')];
const refinery = (args: string[], env: NodeJS.ProcessEnv = home.env) => spawnSync(process.execPath, [...cli, ...args], { env, encoding: 'utf8', cwd: repoRoot });
const at = (name: string) => join(home.home, name);

beforeAll(() => {
  writeSyntheticCorpus(home.folder, 120);
  const single = refinery(['refine', home.folder, '--db', at('single.sqlite'), '--programmer', 'rules:fineweb+prox-lines', '-q']);
  expect(single.status, single.stderr).toBe(0);
  const exported = refinery(['export', home.folder, '--db', at('single.sqlite'), '--out', at('single.jsonl'), '--audit-dropped', '-q']);
  expect(exported.status, exported.stderr).toBe(0);
}, 240_000);
afterAll(() => home.cleanup());

describe('shards: refine --shard, merge, export', () => {
  it('three shard workspaces merged export byte for byte what one process exports', { timeout: 300_000 }, () => {
    const shards = [0, 1, 2].map((i) => at(`shard-${i}.sqlite`));
    const counts: number[] = [];
    for (const [i, db] of shards.entries()) {
      const run = refinery(['refine', home.folder, '--shard', `${i}/3`, '--db', db, '--programmer', 'rules:fineweb+prox-lines', '-q']);
      expect(run.status, run.stderr).toBe(0);
      counts.push(Number(/doc \d+\/(\d+)/.exec(run.stdout)?.[1]));
    }
    // Every document in exactly one shard.
    expect(counts.reduce((a, b) => a + b, 0)).toBe(120);
    expect(Math.min(...counts)).toBeGreaterThan(0);

    const merged = refinery(['merge', home.folder, '--db', at('merged.sqlite'), ...shards]);
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/merged 3 shards .*; 0 documents have no doc-stage program yet/);
    const exported = refinery(['export', home.folder, '--db', at('merged.sqlite'), '--out', at('merged.jsonl'), '--audit-dropped', '-q']);
    expect(exported.status, exported.stderr).toBe(0);
    expect(readFileSync(at('merged.jsonl'))).toEqual(readFileSync(at('single.jsonl')));
    expect(readFileSync(at('merged.dropped.jsonl'))).toEqual(readFileSync(at('single.dropped.jsonl')));

    // Merging again changes nothing; a shard given twice or a whole-folder database is refused.
    expect(refinery(['merge', home.folder, '--db', at('merged.sqlite'), ...shards]).status).toBe(0);
    const twice = refinery(['merge', home.folder, '--db', at('merged.sqlite'), shards[0]!, shards[0]!]);
    expect(twice.status).not.toBe(0);
    expect(twice.stderr).toMatch(/are both shard 0\/3/);
    const notShard = refinery(['merge', home.folder, '--db', at('merged.sqlite'), at('single.sqlite')]);
    expect(notShard.stderr).toMatch(/is not a shard workspace/);
    // A shard's database is refused as another shard's.
    const wrong = refinery(['refine', home.folder, '--shard', '1/3', '--db', shards[0]!, '-q']);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/is the index of shard 0\/3, not of shard 1\/3/);
  });

  it('export --shard writes parts that together are the whole export', { timeout: 120_000 }, () => {
    const parts: string[] = [];
    for (const i of [0, 1, 2]) {
      const run = refinery(['export', home.folder, '--db', at('single.sqlite'), '--shard', `${i}/3`, '--out', at(`part-${i}.jsonl`), '-q']);
      expect(run.status, run.stderr).toBe(0);
      parts.push(...readFileSync(at(`part-${i}.jsonl`), 'utf8').split('\n').filter(Boolean));
    }
    const whole = readFileSync(at('single.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(parts.sort()).toEqual([...whole].sort());
  });

  it('--shard auto reads Slurm and Kubernetes array variables, and says what is missing', () => {
    const env = (extra: Record<string, string>) => ({ ...home.env, ...extra });
    const bad = refinery(['refine', home.folder, '--shard', 'auto', '--db', at('auto.sqlite'), '-q'], env({}));
    expect(bad.stderr).toMatch(/neither SLURM_ARRAY_TASK_ID .* nor JOB_COMPLETION_INDEX/);
    const k8s = refinery(['refine', home.folder, '--shard', 'auto', '--db', at('k8s.sqlite'), '-q'], env({ JOB_COMPLETION_INDEX: '1' }));
    expect(k8s.stderr).toMatch(/REFINERY_SHARD_COUNT/);
    const ok = refinery(['refine', home.folder, '--shard', 'auto', '--db', at('k8s.sqlite'), '-q'], env({ JOB_COMPLETION_INDEX: '1', REFINERY_SHARD_COUNT: '3' }));
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/shard 1\/3/);
  });
});

const slurmDir = join(home.home, 'slurm');
const isRoot = process.getuid?.() === 0;
let slurmEnv: NodeJS.ProcessEnv | null = null;
let slurmReason = isRoot ? '' : ' (skipped: starting slurmctld/slurmd needs root)';

describe.skipIf(!isRoot)(`shards on a real single-node Slurm${slurmReason}`, () => {
  beforeAll(() => {
    const started = spawnSync('bash', [join(repoRoot, 'scripts', 'local-slurm.sh'), 'start', slurmDir], { encoding: 'utf8' });
    const conf = /export SLURM_CONF=(\S+)/.exec(started.stdout)?.[1];
    if (started.status !== 0 || !conf) {
      slurmReason = `: ${started.stderr.trim()}`;
      throw new Error(`could not start the local Slurm cluster: ${started.stderr}`);
    }
    slurmEnv = { ...home.env, SLURM_CONF: conf, REFINERY_DIR: repoRoot };
  }, 120_000);
  afterAll(() => {
    spawnSync('bash', [join(repoRoot, 'scripts', 'local-slurm.sh'), 'stop', slurmDir]);
  });

  it('an sbatch array of 3 tasks running examples/slurm/refine.sbatch, merged, exports what one process exports', { timeout: 600_000 }, () => {
    const shardsDir = at('slurm-shards');
    mkdirSync(shardsDir, { recursive: true });
    const submitted = spawnSync(
      'sbatch',
      ['--wait', '--array=0-2', `--output=${join(shardsDir, 'task-%a.log')}`, join(repoRoot, 'examples', 'slurm', 'refine.sbatch'), home.folder, shardsDir, '--programmer', 'rules:fineweb+prox-lines'],
      { env: slurmEnv!, encoding: 'utf8', cwd: repoRoot, timeout: 540_000 },
    );
    const logs = readdirSync(shardsDir).filter((f) => f.endsWith('.log')).map((f) => `${f}:\n${readFileSync(join(shardsDir, f), 'utf8')}`).join('\n');
    expect(submitted.status, `${submitted.stdout}${submitted.stderr}\n${logs}`).toBe(0);
    const shards = readdirSync(shardsDir).filter((f) => f.endsWith('.sqlite')).sort().map((f) => join(shardsDir, f));
    expect(shards.map((s) => s.split('/').pop())).toEqual(['shard-0-of-3.sqlite', 'shard-1-of-3.sqlite', 'shard-2-of-3.sqlite']);
    const merged = refinery(['merge', home.folder, '--db', at('slurm-merged.sqlite'), ...shards]);
    expect(merged.status, merged.stderr).toBe(0);
    const exported = refinery(['export', home.folder, '--db', at('slurm-merged.sqlite'), '--out', at('slurm.jsonl'), '--audit-dropped', '-q']);
    expect(exported.status, exported.stderr).toBe(0);
    expect(readFileSync(at('slurm.jsonl'))).toEqual(readFileSync(at('single.jsonl')));
    expect(readFileSync(at('slurm.dropped.jsonl'))).toEqual(readFileSync(at('single.dropped.jsonl')));
  });
});
