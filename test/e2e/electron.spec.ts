/**
 * The desktop window: launches the built Electron app where Electron's binary exists and
 * checks the isolation settings and the bridge. Skipped, saying why, where it does not (as
 * in the development sandbox, which cannot download it).
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { neededNodeApi } from '../../native/sqlite/binding';
import { REPO_ROOT, screenshot } from './support';

function electronBinary(): string | null {
  try {
    const relative = readFileSync(join(REPO_ROOT, 'node_modules', 'electron', 'path.txt'), 'utf8').trim();
    const full = join(REPO_ROOT, 'node_modules', 'electron', 'dist', relative);
    return existsSync(full) ? full : null;
  } catch {
    return null;
  }
}

test('the Electron window opens with an isolated, sandboxed renderer', async () => {
  const binary = electronBinary();
  test.skip(binary === null, 'Electron binary not installed (node_modules/electron/dist missing; run node node_modules/electron/install.js where downloads are allowed)');
  const build = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  const home = mkdtempSync(join(tmpdir(), 'refinery-electron-'));
  const app = await electron.launch({ executablePath: binary!, args: [REPO_ROOT, '--no-sandbox', '--disable-gpu'], env: { ...process.env, REFINERY_HOME: home } });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('heading', { name: 'Refinery' })).toBeVisible();
    // The window opens only once the SQLite engine loaded in the main process: the same prebuilt
    // Node-API file Node loads, which this Electron's Node-API must cover.
    const napi = await app.evaluate(() => Number(process.versions.napi));
    expect(napi).toBeGreaterThanOrEqual(neededNodeApi()!);
    // The page sees the contract bridge and nothing of Node.
    const surface = await window.evaluate(() => ({
      bridge: typeof (window as unknown as { refinery?: { call?: unknown } }).refinery?.call,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(surface).toEqual({ bridge: 'function', require: 'undefined', process: 'undefined' });
    const info = await window.evaluate(() => (window as unknown as { refinery: { call(m: string, i: object): Promise<{ shell: string }> } }).refinery.call('app.info', {}));
    expect(info.shell).toBe('electron');
    const rejected = await window.evaluate(() =>
      (window as unknown as { refinery: { call(m: string, i: object): Promise<unknown> } }).refinery.call('no.such.method', {}).then(
        () => 'accepted',
        (err: Error) => err.message,
      ),
    );
    expect(rejected).toContain('unknown_method');
    await screenshot(window, '20-electron-welcome');
  } finally {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  }
});
