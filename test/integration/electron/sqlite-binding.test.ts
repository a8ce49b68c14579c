/**
 * Which better-sqlite3 file each runtime loads, and the checks made before loading it, run
 * against the installed package (better-sqlite3 13: one prebuilt Node-API file per platform,
 * for Node and Electron alike). No Electron binary is needed: the selection and the checks read
 * files and versions only, and Electron's are fed to the same code its main process runs.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addonKind,
  BUILD_FROM_SOURCE,
  betterSqlite3Dir,
  betterSqlite3Version,
  checkLoadError,
  checkSqliteBinding,
  currentRuntime,
  neededNodeApi,
  prebuildName,
  prebuildPath,
  sourceBuildPath,
  sqliteBindingPath,
  type RuntimeTarget,
} from '../../../native/sqlite/binding';
import { checkSqliteEngine, openDatabase } from '../../../native/sqlite/database';
import { repoRoot } from '../workspace/helpers';

const packageDir = betterSqlite3Dir();
const electronVersion = (JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
/**
 * What process.versions says inside the installed Electron's main process, as far as the
 * selection reads it. Electron 40 and later embed Node.js 24, which offers Node-API 10.
 */
const electronVersions = { ...process.versions, electron: electronVersion, napi: '10' };
const here = currentRuntime();
const thisPrebuild = `${here.libc === 'musl' ? 'linuxmusl' : process.platform}-${process.arch}`;

const scratch = mkdtempSync(join(tmpdir(), 'refinery-binding-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A better-sqlite3 folder with the installed package's binding.gyp and whatever files a case needs. */
function fakePackage(name: string, files: Record<string, string> = {}): string {
  const dir = join(scratch, name, 'node_modules', 'better-sqlite3');
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(packageDir, 'binding.gyp'), join(dir, 'binding.gyp'));
  for (const [to, from] of Object.entries(files)) {
    mkdirSync(join(dir, to, '..'), { recursive: true });
    copyFileSync(from, join(dir, to));
  }
  return dir;
}

const loaded = (file: string): boolean => Object.keys(createRequire(import.meta.url).cache).includes(file);

describe('better-sqlite3 13: one Node-API file for Node and Electron', () => {
  it('is the version package.json pins, with no V8-API build left from better-sqlite3 12', () => {
    const pinned = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['better-sqlite3'];
    expect(betterSqlite3Version()).toBe(pinned);
    expect(pinned).toBe('13.2.0');
  });

  it('ships a prebuilt Node-API file for this platform, built for the Node-API its binding.gyp names, which this Node offers', () => {
    expect(prebuildName(here)).toBe(thisPrebuild);
    const path = sqliteBindingPath(here);
    // A source build comes first where someone compiled one (BUILD_FROM_SOURCE); a fresh install has none.
    expect(path).toBe(existsSync(sourceBuildPath(packageDir)) ? sourceBuildPath(packageDir) : join(packageDir, 'prebuilds', `${thisPrebuild}.node`));
    expect(addonKind(path)).toBe('node-api');
    expect(neededNodeApi()).toBe(10);
    expect(Number(process.versions.napi)).toBeGreaterThanOrEqual(10);
    expect(checkSqliteBinding(here, path)).toEqual({ ok: true, path, target: here, needs: 10 });
  });

  it('names every prebuilt file the package ships as the package does (linux, linuxmusl, darwin, win32; x64 and arm64), and none for other platforms', () => {
    const targets: Pick<RuntimeTarget, 'platform' | 'arch' | 'libc'>[] = [];
    for (const arch of ['x64', 'arm64']) {
      targets.push({ platform: 'linux', arch, libc: 'glibc' }, { platform: 'linux', arch, libc: 'musl' }, { platform: 'darwin', arch, libc: null }, { platform: 'win32', arch, libc: null });
    }
    const names = targets.map((t) => prebuildName(t)!);
    expect(names.sort()).toEqual(['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'linuxmusl-arm64', 'linuxmusl-x64', 'win32-arm64', 'win32-x64']);
    for (const name of names) expect(addonKind(prebuildPath(packageDir, name)), name).toBe('node-api');
    expect(prebuildName({ platform: 'freebsd', arch: 'x64', libc: null })).toBeNull();
    expect(prebuildName({ platform: 'linux', arch: 'ia32', libc: 'glibc' })).toBeNull();
  });

  it('has Electron load the very file Node loads: nothing is built per Electron version', () => {
    const electron = currentRuntime(electronVersions);
    expect(electron).toMatchObject({ runtime: 'electron', version: electronVersion, napi: 10 });
    expect(sqliteBindingPath(electron)).toBe(sqliteBindingPath(here));
    expect(checkSqliteBinding(electron, sqliteBindingPath(electron))).toMatchObject({ ok: true, needs: 10 });
  });

  it('in a packaged app, loads the file from app.asar.unpacked, and says to reinstall where it is missing', () => {
    const target = currentRuntime(electronVersions);
    const packaged = join('/opt', 'Refinery', 'resources', 'app.asar', 'node_modules', 'better-sqlite3');
    const chosen = sqliteBindingPath(target, packaged);
    expect(chosen).toBe(join('/opt', 'Refinery', 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'prebuilds', `${thisPrebuild}.node`));
    const check = checkSqliteBinding(target, chosen, packaged);
    expect(check).toMatchObject({ ok: false, problem: 'missing', fixIsCommand: false });
    if (check.ok) return;
    expect(check.message).toMatch(/reinstall Refinery/);

    // Laid out as electron-builder leaves it: the file unpacked, no binding.gyp (it always drops
    // that from node_modules), so the Node-API version is not known and not checked.
    const resources = join(scratch, 'packaged', 'resources');
    const unpacked = join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'prebuilds', `${thisPrebuild}.node`);
    mkdirSync(join(unpacked, '..'), { recursive: true });
    copyFileSync(sqliteBindingPath(here), unpacked);
    const inAsar = join(resources, 'app.asar', 'node_modules', 'better-sqlite3');
    expect(sqliteBindingPath(target, inAsar)).toBe(unpacked);
    expect(neededNodeApi(inAsar)).toBeNull();
    expect(checkSqliteBinding(target, unpacked, inAsar)).toEqual({ ok: true, path: unpacked, target, needs: null });
  });

  it('refuses a runtime that offers an older Node-API before loading anything (Node.js 20.20, Node-API 9, crashes loading the file)', () => {
    const copy = join(fakePackage('old-node', { [`prebuilds/${thisPrebuild}.node`]: sqliteBindingPath(here) }), 'prebuilds', `${thisPrebuild}.node`);
    const node20: RuntimeTarget = { ...here, version: '20.20.2', napi: 9 };
    const check = checkSqliteBinding(node20, copy, join(copy, '..', '..'));
    expect(check).toMatchObject({ ok: false, problem: 'node-api-too-old', needs: 10, fixIsCommand: false });
    if (check.ok) return;
    expect(check.message).toBe(
      `${copy} needs Node-API 10, but Node.js 20.20.2 (${process.platform}-${process.arch}${here.libc === 'musl' ? ', musl' : ''}) offers Node-API 9. To fix it, use Node.js 22.14 or newer (Node-API 10); in the Refinery folder: source scripts/node22.sh && refinery_node22.`,
    );
    // The verdict came from the file and the versions alone: nothing loaded the copy.
    expect(loaded(copy)).toBe(false);
    // Under an Electron too old for it, the fix is the Electron package.json names.
    const oldElectron = checkSqliteBinding({ ...node20, runtime: 'electron', version: '30.0.0' }, copy, join(copy, '..', '..'));
    expect(oldElectron).toMatchObject({ ok: false, problem: 'node-api-too-old', fix: 'npm ci', fixIsCommand: true });
  });

  it('loads a source build from build/Release first, as better-sqlite3’s own loader does', () => {
    const dir = fakePackage('source-build', { 'build/Release/better_sqlite3.node': sqliteBindingPath(here), [`prebuilds/${thisPrebuild}.node`]: sqliteBindingPath(here) });
    const chosen = sqliteBindingPath(here, dir);
    expect(chosen).toBe(join(dir, 'build', 'Release', 'better_sqlite3.node'));
    expect(checkSqliteBinding(here, chosen, dir)).toMatchObject({ ok: true, needs: 10 });
    expect(loaded(chosen)).toBe(false);
    const db = new Database(':memory:', { nativeBinding: chosen });
    expect(db.prepare('SELECT 6 * 7 AS n').get()).toEqual({ n: 42 });
    db.close();
    expect(loaded(chosen)).toBe(true);
  });

  it('names an old V8-API build left in build/Release instead of loading it', () => {
    // better-sqlite3 12 builds are not installed any more; what the check reads is the exported
    // registration symbol's name, which such a build carries (node_register_module_v127 on Node 22).
    const v8Build = join(scratch, 'v8-build.node');
    writeFileSync(v8Build, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.from('\0node_register_module_v127\0')]));
    const dir = fakePackage('v8-build', { 'build/Release/better_sqlite3.node': v8Build });
    const chosen = sqliteBindingPath(here, dir);
    const check = checkSqliteBinding(here, chosen, dir);
    expect(check).toMatchObject({ ok: false, problem: 'not-node-api', fix: 'npm ci' });
    if (check.ok) return;
    expect(check.message).toMatch(/is not a Node-API addon \(it was compiled against V8 for one Node\.js version, as better-sqlite3 12 and older were\).* To fix it, run: npm ci$/);
  });

  it('says to compile from source on a platform the package ships no file for, and to reinstall where the file for this one is gone', () => {
    const freebsd: RuntimeTarget = { ...here, platform: 'freebsd', arch: 'x64', libc: null };
    const bare = fakePackage('freebsd');
    const chosen = sqliteBindingPath(freebsd, bare);
    expect(chosen).toBe(sourceBuildPath(bare));
    const none = checkSqliteBinding(freebsd, chosen, bare);
    expect(none).toMatchObject({ ok: false, problem: 'missing', fix: BUILD_FROM_SOURCE, fixIsCommand: true });
    if (none.ok) return;
    expect(none.message).toMatch(/^better-sqlite3 ships no prebuilt file for Node\.js \S+ \(freebsd-x64\) and none was compiled: .* does not exist\. To fix it, run: npm --prefix node_modules\/better-sqlite3 run build-release$/);

    const dir = fakePackage('no-prebuilds');
    const gone = checkSqliteBinding(here, sqliteBindingPath(here, dir), dir);
    expect(gone).toMatchObject({ ok: false, problem: 'missing', fix: 'npm ci' });
  });

  it('turns load errors into the same answers: Node’s Node-API refusal, and the loader’s own reason', () => {
    const refusal = new Error("/x/better_sqlite3.node requires Node-API version 10, but this version of Node.js only supports version 9 add-ons.");
    expect(checkLoadError({ ...here, napi: 9 }, '/x/better_sqlite3.node', refusal)).toMatchObject({ problem: 'node-api-too-old', needs: 10 });

    const notAnAddon = join(scratch, 'not-an-addon.node');
    writeFileSync(notAnAddon, 'not an addon');
    expect(addonKind(notAnAddon)).toBe('none');
    let failure: unknown = null;
    try {
      new Database(':memory:', { nativeBinding: notAnAddon }).close();
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(Error);
    const check = checkLoadError(here, notAnAddon, failure);
    expect(check).toMatchObject({ problem: 'unloadable', fix: BUILD_FROM_SOURCE });
    expect(check.message.startsWith(`${notAnAddon} could not be loaded by Node.js ${process.versions.node} (`)).toBe(true);
    expect(check.message).toContain((failure as Error).message.split('\n')[0]);
  });
});

describe('the file Node loads, for the CLI, the browser shell and the tests', () => {
  it('passes the start-up check and opens a database', () => {
    const path = sqliteBindingPath(here);
    expect(checkSqliteEngine()).toMatchObject({ ok: true, path });
    const db = openDatabase(':memory:', []);
    expect(db.prepare('SELECT sqlite_version() AS v').get()).toMatchObject({ v: expect.stringMatching(/^3\./) });
    db.close();
  });

  it('loads in the CLI: refinery index opens and fills a workspace database', { timeout: 120_000 }, () => {
    const home = join(scratch, 'cli-home');
    const folder = join(home, 'corpus');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'a.txt'), 'One small document.\nWith two lines.\n');
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'main', 'cli.ts'), ...args], { cwd: repoRoot, env: { ...process.env, REFINERY_HOME: home }, encoding: 'utf8' });
    const db = join(home, 'ws.sqlite');
    const indexed = cli('index', folder, '--db', db);
    expect(indexed.status, indexed.stderr).toBe(0);
    expect(indexed.stdout).toMatch(/1 documents in 1 files/);
  });
});
