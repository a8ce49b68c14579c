/**
 * `npm start` where better-sqlite3 cannot be prepared for Electron (no prebuilt binary can be
 * downloaded and node-gyp cannot fetch Electron's headers): one line says why, the browser
 * shell starts and prints its URL, and Ctrl-C ends everything with status 0.
 *
 * Downloads are pointed at a closed local port through npm's proxy settings, and HOME and the
 * caches at an empty folder, so the result is the same with or without a network.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installedElectron, readyBuild } from '../../../scripts/electron-sqlite';
import { betterSqlite3Version } from '../../../native/sqlite/binding';
import { repoRoot } from '../workspace/helpers';

const home = mkdtempSync(join(tmpdir(), 'refinery-start-'));
let started: number | null = null;
afterAll(() => {
  // Should the test fail midway, nothing npm start began keeps running.
  if (started !== null && !gone(started)) process.kill(-started, 'SIGKILL');
  rmSync(home, { recursive: true, force: true });
});

const electron = installedElectron(repoRoot);
const prepared = electron !== null && readyBuild(repoRoot, electron, betterSqlite3Version()) !== null;
const buildsDir = join(repoRoot, 'native-builds', 'better-sqlite3');
const listBuilds = (): string[] => (existsSync(buildsDir) ? readdirSync(buildsDir).sort() : []);

function gone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch {
    return true;
  }
}

describe('npm start without an Electron build of better-sqlite3', () => {
  it.skipIf(prepared)('says why in one line, serves the browser shell, and exits 0 on Ctrl-C', { timeout: 240_000 }, async () => {
    const before = listBuilds();
    const closedPort = 'http://127.0.0.1:9';
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: home,
      XDG_CACHE_HOME: join(home, 'cache'),
      TMPDIR: home,
      REFINERY_HOME: join(home, 'refinery'),
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
      npm_config_cache: join(home, 'npm-cache'),
      npm_config_proxy: closedPort,
      npm_config_https_proxy: closedPort,
      npm_config_build_from_source: '',
    };
    // Debian's /bin/sh (dash) dies of Ctrl-C itself while running a script, and npm then
    // reports that signal whatever the script does; under bash (macOS's sh) npm returns the
    // script's own status, which is what this checks.
    if (existsSync('/bin/bash')) env.npm_config_script_shell = '/bin/bash';

    const child = spawn('npm', ['start', '--', '--port', '0'], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    started = child.pid!;
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const match = /Refinery is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      void exited.then((status) => reject(new Error(`npm start ended (${JSON.stringify(status)}) before printing a URL:\n${stdout}\n${stderr}`)));
    });

    try {
      const reasons = stdout.split('\n').filter((line) => line.startsWith('refinery: cannot prepare better-sqlite3 for Electron'));
      expect(reasons).toHaveLength(1);
      expect(reasons[0]).toMatch(new RegExp(`^refinery: cannot prepare better-sqlite3 for Electron ${electron!.version.replace(/\./g, '\\.')} \\(${process.platform}-${process.arch}\\): no prebuilt binary could be downloaded \\(.*ECONNREFUSED.*\\), and node-gyp could not compile it: .*; starting the browser shell instead \\(open the URL below\\)\\.$`));
      // The reason comes before the URL, and the URL serves the app.
      expect(stdout.indexOf(reasons[0]!)).toBeLessThan(stdout.indexOf(url));
      // The first visit trades the URL's token for a cookie, as in a browser.
      const visit = await fetch(url, { redirect: 'manual' });
      expect(visit.status).toBe(303);
      const cookie = visit.headers.get('set-cookie')!.split(';')[0]!;
      const page = await fetch(new URL('/', url), { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      process.kill(-child.pid!, 'SIGINT');
    }
    expect(await exited, `${stdout}\n${stderr}`).toEqual({ code: 0, signal: null });
    for (let i = 0; i < 50 && !gone(child.pid!); i++) await new Promise((r) => setTimeout(r, 100));
    expect(gone(child.pid!), 'every process npm start began has ended').toBe(true);
    expect(stderr).not.toMatch(/Error:|unexpected failure/);
    // A failed preparation leaves no build and no half-written folder behind.
    expect(listBuilds()).toEqual(before);
  });
});
