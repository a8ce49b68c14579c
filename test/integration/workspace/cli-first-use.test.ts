/**
 * The CLI as a new user meets it: `--version`, a mistyped rule reported before any work,
 * `stats` on a folder never indexed, a re-index that reads nothing showing the errors it
 * counts, export figures that make sense for a small file, and `serve --db` reviewing a
 * workspace refined with `--db`.
 */
import { SCAN_ERRORS_EXIT_CODE } from '../../../main/cli/index';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { badInputFixtures, repoRoot, tempHome } from './helpers';

const home = tempHome('refinery-cli-first-');
afterAll(() => home.cleanup());
const cli = [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoRoot, 'main', 'cli.ts')];
const refinery = (...args: string[]) => spawnSync(process.execPath, [...cli, ...args], { env: home.env, encoding: 'utf8' });

const DOCS = [
  { id: 'a', text: 'The river rose in the night and the village woke to water in the streets.\nMenu | Home | About', url: 'https://e.org/a' },
  { id: 'b', text: 'Researchers measured the energy of the system over several seasons and published the data.', url: 'https://e.org/b' },
];

describe('refinery CLI, first use', () => {
  it('--version prints the package version', () => {
    const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    const result = refinery('--version');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('stats on a folder never indexed says so and fails', () => {
    const folder = join(home.home, 'never-indexed');
    mkdirSync(folder);
    const result = refinery('stats', folder);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/has no indexed documents; run "refinery index .*never-indexed" first/);
  });

  it('index, refine, export and serve on one --db; mistakes are reported before any work', { timeout: 240_000 }, async () => {
    const folder = join(home.home, 'corpus-db');
    mkdirSync(folder);
    writeFileSync(join(folder, 'docs.jsonl'), DOCS.map((d) => JSON.stringify(d)).join('\n') + '\n');
    cpSync(join(badInputFixtures, 'broken-line.jsonl'), join(folder, 'broken-line.jsonl'));
    const db = join(home.home, 'own.sqlite');
    const first = refinery('index', folder, '--db', db);
    // Indexed, with a scan error in the folder: the documented exit code 3, not success.
    expect(first.status, first.stderr).toBe(SCAN_ERRORS_EXIT_CODE);
    expect(first.stdout).toMatch(/^1 scan errors \(listed above\)$/m);

    // Nothing changed: nothing is read, and the count comes with the errors it counts.
    const again = refinery('index', folder, '--db', db);
    expect(again.status, again.stderr).toBe(SCAN_ERRORS_EXIT_CODE);
    expect(again.stdout).toMatch(/\(read 0, unchanged 2, removed 0;/);
    expect(again.stdout).toMatch(/^1 scan errors: 1 recorded when unchanged files were read:\n {2}broken-line\.jsonl:2: line 2 is not valid JSON/m);

    // A rule that does not exist is refused before the folder is read again.
    writeFileSync(join(folder, 'more.jsonl'), `${JSON.stringify({ id: 'c', text: 'One more page of text.' })}\n`);
    const bad = refinery('refine', folder, '--db', db, '--programmer', 'rules:web,-web.nope');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown rule "web\.nope"/);
    expect(bad.stdout).not.toMatch(/indexed/);
    const refined = refinery('refine', folder, '--db', db, '--programmer', 'rules:fineweb+prox-lines', '--quiet');
    expect(refined.status, refined.stderr).toBe(0);
    expect(refined.stdout).toMatch(/refine done/);

    // A small export is measured in bytes or kB, not "0.0 MB".
    const exported = refinery('export', folder, '--db', db, '--out', join(home.home, 'small.jsonl'), '--quiet');
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/: \d+(\.\d)? (B|kB) in /);
    expect(exported.stdout).not.toMatch(/0\.0 MB/);

    const stats = refinery('stats', folder, '--db', db, '--json');
    expect(stats.status, stats.stderr).toBe(0);
    const documents = (JSON.parse(stats.stdout) as { documents: { before: number } }).documents.before;
    expect(documents).toBeGreaterThan(DOCS.length);

    // serve --db opens that very workspace.
    const server = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'main', 'cli.ts'), 'serve', folder, '--db', db, '--port', '0'], { cwd: repoRoot, env: home.env });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let output = '';
        const timer = setTimeout(() => fail(new Error(`no URL within 120 s:\n${output}`)), 120_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output);
          if (match) {
            clearTimeout(timer);
            ok(match[0]);
          }
        };
        server.stdout.on('data', onData);
        server.stderr.on('data', onData);
        server.once('exit', (code) => fail(new Error(`serve exited (${code}):\n${output}`)));
      });
      const { origin, searchParams } = new URL(url);
      const call = async (method: string) => {
        const response = await fetch(`${origin}/api/call/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-refinery-token': searchParams.get('token')! }, body: '{}' });
        return (await response.json()) as { ok: boolean; result: { dbPath: string; documents: number } };
      };
      const current = await call('workspace.current');
      expect(current.result).toMatchObject({ dbPath: db, documents });
      const icon = await fetch(`${origin}/favicon.svg`, { headers: { cookie: `refinery_token_${new URL(url).port}=${searchParams.get('token')!}` } });
      expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    } finally {
      server.kill('SIGTERM');
    }
  });
});
