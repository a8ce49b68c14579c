/**
 * Issue 16.1: a file the user cannot read never stops a scan. `index` (in-thread reader),
 * workspace.open (what `serve` and the app call) and the read worker all record the problem
 * on that file, index the files after it, say so at the end, and read the file again once it
 * is readable. Run as user nobody when the tests run as root.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, copyFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCAN_ERRORS_EXIT_CODE } from '../../../main/cli/index';
import { repoRoot, tempHome } from './helpers';

const home = tempHome('refinery-unreadable-');
afterAll(() => home.cleanup());
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const tsx = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Every folder above the file lets others through, and the file lets others run it. */
function worldCanReach(file: string): boolean {
  if ((statSync(file).mode & 0o001) === 0) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

/**
 * The node binary nobody can run. The test script may run a Node kept under root's home
 * (scripts/node22.sh caches one in ~/.cache, behind /root's 0700), which nobody cannot
 * execute; then a copy in a world-readable scratch folder serves.
 */
function nodeForNobody(): string {
  if (!isRoot || worldCanReach(process.execPath)) return process.execPath;
  const dir = join(home.home, 'node-bin');
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(dir, 0o755);
  const copy = join(dir, 'node');
  copyFileSync(process.execPath, copy);
  chmodSync(copy, 0o755);
  accessSync(copy, constants.X_OK);
  return copy;
}

/** Runs node as an ordinary user: setpriv drops root to nobody (no groups); a non-root runner is one already. */
function asUser(args: string[], env: NodeJS.ProcessEnv) {
  const node = nodeForNobody();
  const command = isRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', node, ...args] : [node, ...args];
  return spawnSync(command[0]!, command.slice(1), { env, encoding: 'utf8', cwd: repoRoot });
}

describe('an unreadable file', () => {
  chmodSync(home.home, 0o777);
  chmodSync(home.folder, 0o777);
  const folder = home.folder;
  writeFileSync(join(folder, 'a.jsonl'), '{"id":"a1","text":"first file"}\n');
  writeFileSync(join(folder, 'secret.jsonl'), '{"id":"s1","text":"not for you"}\n');
  mkdirSync(join(folder, 'z'));
  writeFileSync(join(folder, 'z', 'after.jsonl'), '{"id":"z1","text":"after the secret"}\n{"id":"z2","text":"and more"}\n');
  chmodSync(join(folder, 'z'), 0o777);
  const workHome = join(home.home, 'user-home');
  mkdirSync(workHome, { mode: 0o777 });
  chmodSync(workHome, 0o777);
  const env = { ...home.env, REFINERY_HOME: workHome, HOME: workHome };
  const cli = (...args: string[]) => asUser([tsx, join(repoRoot, 'main', 'cli.ts'), ...args], env);

  it('index goes on past it, records it, exits with the scan-error code and reads it once readable', { timeout: 120_000 }, () => {
    chmodSync(join(folder, 'secret.jsonl'), 0o000);
    try {
      const first = cli('index', folder);
      expect(first.stderr).not.toMatch(/unexpected failure/);
      expect(first.status, first.stderr).toBe(SCAN_ERRORS_EXIT_CODE);
      expect(first.stderr).toMatch(/^secret\.jsonl: reading stopped: permission denied; give your user access to it\./m);
      expect(first.stdout).toMatch(/: 3 documents in 3 files \(read 3,/);
      expect(first.stdout).toMatch(/^1 scan errors \(listed above\)$/m);
      expect(first.stdout).toMatch(/^1 file was not read to the end .*reads it again$/m);

      // Still unreadable: read again, reported again, the other files unchanged.
      const second = cli('index', folder);
      expect(second.status).toBe(SCAN_ERRORS_EXIT_CODE);
      expect(second.stdout).toMatch(/\(read 1, unchanged 2,/);
    } finally {
      chmodSync(join(folder, 'secret.jsonl'), 0o644);
    }
    const third = cli('index', folder);
    expect(third.status, third.stderr).toBe(0);
    expect(third.stdout).toMatch(/: 4 documents in 3 files \(read 1, unchanged 2,/);
    expect(third.stdout).toMatch(/^0 scan errors$/m);
  });

  it('workspace.open (serve, the app) and the read worker go on past it and record it', { timeout: 120_000 }, () => {
    chmodSync(join(folder, 'secret.jsonl'), 0o000);
    let run;
    try {
      run = asUser(['--import', 'tsx', join(repoRoot, 'test', 'integration', 'workspace', 'unreadable-child.ts'), folder, join(workHome, 'api')], env);
    } finally {
      chmodSync(join(folder, 'secret.jsonl'), 0o644);
    }
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      opened: { documents: number; sources: number; scanErrors: number };
      errors: { file: string; message: string }[];
      inWorker: { documentsRead: number; filesIncomplete: number; errors: { file: string; message: string }[] };
    };
    expect(result.opened).toMatchObject({ documents: 3, sources: 3, scanErrors: 1 });
    expect(result.errors).toEqual([expect.objectContaining({ file: 'secret.jsonl', line: null, message: expect.stringMatching(/^reading stopped: permission denied/) })]);
    expect(result.inWorker.documentsRead).toBe(3);
    expect(result.inWorker.filesIncomplete).toBe(1);
    expect(result.inWorker.errors).toEqual([expect.objectContaining({ file: 'secret.jsonl', message: expect.stringMatching(/permission denied/) })]);
  });
});
