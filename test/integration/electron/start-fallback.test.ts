/**
 * `npm start` where Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD, as in
 * CI and offline): one line says why, the browser shell starts and prints its URL, and Ctrl-C
 * ends everything with status 0. Nothing is prepared for SQLite first: better-sqlite3's
 * prebuilt Node-API file serves Electron as it is, so nothing is built or downloaded.
 *
 * Downloads are pointed at a closed local port through npm's proxy settings, and HOME and the
 * caches at an empty folder, so the result is the same with or without a network.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { betterSqlite3Dir } from '../../../native/sqlite/binding';
import { repoRoot } from '../workspace/helpers';

const home = mkdtempSync(join(tmpdir(), 'refinery-start-'));
let started: number | null = null;
afterAll(() => {
  // Should the test fail midway, nothing npm start began keeps running.
  if (started !== null && !gone(started)) process.kill(-started, 'SIGKILL');
  rmSync(home, { recursive: true, force: true });
});

/** Electron's binary, as node_modules/electron/path.txt names it (what npm start launches). */
function electronInstalled(): boolean {
  try {
    const relative = readFileSync(join(repoRoot, 'node_modules', 'electron', 'path.txt'), 'utf8').trim();
    return existsSync(join(repoRoot, 'node_modules', 'electron', 'dist', relative));
  } catch {
    return false;
  }
}
const sqliteDir = betterSqlite3Dir();
const listSqlite = (): string[] => readdirSync(sqliteDir, { recursive: true }).map(String).sort();

function gone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch {
    return true;
  }
}

describe('npm start without Electron’s binary', () => {
  it.skipIf(electronInstalled())('says why in one line, serves the browser shell, and exits 0 on Ctrl-C', { timeout: 240_000 }, async () => {
    const before = listSqlite();
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
      const said = stdout.split('\n').filter((line) => line.startsWith('refinery: '));
      expect(said).toEqual(['refinery: the Electron binary is not installed (node_modules/electron/dist is missing); starting the browser shell instead (open the URL below).']);
      // The reason comes before the URL, and the URL serves the app.
      expect(stdout.indexOf(said[0]!)).toBeLessThan(stdout.indexOf(url));
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
    // Nothing was built or fetched into better-sqlite3's folder (no build/, no other file).
    expect(listSqlite()).toEqual(before);
  });
});
