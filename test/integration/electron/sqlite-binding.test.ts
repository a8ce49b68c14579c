/**
 * Which better-sqlite3 build each runtime loads, run with the installed Electron's version
 * and NODE_MODULE_VERSION (node-abi's registry, cross-checked with the electron package's own
 * abi_version) fed to the same code the Electron main process runs. No Electron binary is
 * needed: the selection and the ABI check read files and versions only.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { getAbi } from 'node-abi';
import { afterAll, describe, expect, it } from 'vitest';
import {
  betterSqlite3Dir,
  checkLoadError,
  checkSqliteBinding,
  currentRuntime,
  electronBuildFolder,
  nodeBuildPath,
  readBindingAbi,
  sqliteBindingPath,
} from '../../../native/sqlite/binding';
import { checkSqliteEngine, openDatabase } from '../../../native/sqlite/database';
import { electronBuildEnv, installedElectron, nodeGypFailure, prebuildFailure, readyBuild } from '../../../scripts/electron-sqlite';
import { repoRoot } from '../workspace/helpers';

const electronVersion = (JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
const electronAbi = Number(getAbi(electronVersion, 'electron'));
/** What process.versions says inside the installed Electron's main process. */
const electronVersions = { ...process.versions, electron: electronVersion, modules: String(electronAbi) };
const nodeAbi = Number(process.versions.modules);

const scratch = mkdtempSync(join(tmpdir(), 'refinery-binding-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An app root laid out like the repository (node_modules/better-sqlite3 + native-builds/). */
function fakeAppRoot(name: string): { packageDir: string; root: string } {
  const root = join(scratch, name);
  const packageDir = join(root, 'node_modules', 'better-sqlite3');
  mkdirSync(packageDir, { recursive: true });
  return { root, packageDir };
}

describe('better-sqlite3 build selection', () => {
  it('knows the installed Electron: node-abi and the electron package agree on its NODE_MODULE_VERSION, which is not Node’s', () => {
    expect(installedElectron(repoRoot)).toEqual({ version: electronVersion, abi: electronAbi, platform: process.platform, arch: process.arch });
    expect(Number(readFileSync(join(repoRoot, 'node_modules', 'electron', 'abi_version'), 'utf8'))).toBe(electronAbi);
    expect(electronAbi).not.toBe(nodeAbi);
  });

  it('chooses an Electron build in its own folder keyed by version, platform and arch, never the Node build', () => {
    const target = currentRuntime(electronVersions);
    expect(target).toEqual({ runtime: 'electron', version: electronVersion, abi: electronAbi, platform: process.platform, arch: process.arch });
    const chosen = sqliteBindingPath(target);
    const nodeBuild = nodeBuildPath(betterSqlite3Dir());
    expect(chosen).not.toBe(nodeBuild);
    expect(chosen).toBe(join(repoRoot, 'native-builds', 'better-sqlite3', `electron-${electronVersion}-${process.platform}-${process.arch}`, 'better_sqlite3.node'));
    expect(chosen.startsWith(join(repoRoot, 'node_modules'))).toBe(false);
  });

  it('in a packaged app, loads the Electron build from app.asar.unpacked', () => {
    const target = currentRuntime(electronVersions);
    const packageDir = join('/opt', 'Refinery', 'resources', 'app.asar', 'node_modules', 'better-sqlite3');
    const chosen = sqliteBindingPath(target, packageDir);
    expect(chosen).toBe(join('/opt', 'Refinery', 'resources', 'app.asar.unpacked', 'native-builds', 'better-sqlite3', `electron-${electronVersion}-${process.platform}-${process.arch}`, 'better_sqlite3.node'));
    const check = checkSqliteBinding(target, chosen);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problem).toBe('missing');
    expect(check.fixIsCommand).toBe(false);
    expect(check.message).toMatch(/reinstall Refinery/);
  });

  it('detects a build of the wrong ABI from the file, before anything requires it', () => {
    const { root, packageDir } = fakeAppRoot('wrong-abi');
    const target = currentRuntime(electronVersions);
    const chosen = sqliteBindingPath(target, packageDir);
    // The trap this guards against: the Node build where Electron's should be.
    mkdirSync(electronBuildFolder(root, target), { recursive: true });
    copyFileSync(nodeBuildPath(betterSqlite3Dir()), chosen);

    const check = checkSqliteBinding(target, chosen);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problem).toBe('wrong-abi');
    expect(check.builtFor).toBe(nodeAbi);
    expect(check.message).toContain(`${chosen} was compiled for NODE_MODULE_VERSION ${nodeAbi}, but Electron ${electronVersion} (${process.platform}-${process.arch}, NODE_MODULE_VERSION ${electronAbi}) needs NODE_MODULE_VERSION ${electronAbi}.`);
    expect(check.message).toContain('To fix it, run: npm run build:electron-sqlite');
    expect(check.fix).toBe('npm run build:electron-sqlite');

    // Nothing loaded it: the verdict came from the file alone. (This Node process could load
    // it, being the ABI it was built for, so a load could not have produced the verdict.)
    const requireHere = createRequire(import.meta.url);
    expect(Object.keys(requireHere.cache)).not.toContain(chosen);
    new Database(':memory:', { nativeBinding: chosen }).close();
    expect(Object.keys(requireHere.cache)).toContain(chosen);
  });

  it('reports a missing Electron build with what to run', () => {
    const { packageDir } = fakeAppRoot('missing');
    const target = currentRuntime(electronVersions);
    const check = checkSqliteBinding(target, sqliteBindingPath(target, packageDir));
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problem).toBe('missing');
    expect(check.message).toMatch(new RegExp(`no build for Electron ${electronVersion.replace(/\./g, '\\.')} .*To fix it, run: npm run build:electron-sqlite`));
  });

  it('treats a prepared build as stale when it was built for another ABI or another better-sqlite3', () => {
    const { root } = fakeAppRoot('stale');
    const target = installedElectron(repoRoot)!;
    const folder = electronBuildFolder(root, target);
    mkdirSync(folder, { recursive: true });
    copyFileSync(nodeBuildPath(betterSqlite3Dir()), join(folder, 'better_sqlite3.node'));
    const info = { electron: target.version, platform: target.platform, arch: target.arch, abi: target.abi, betterSqlite3: '12.11.1', source: 'prebuilt', builtAt: new Date().toISOString() };
    writeFileSync(join(folder, 'build-info.json'), JSON.stringify(info));
    // Right key, wrong ABI inside (Node's): stale.
    expect(readyBuild(root, target, '12.11.1')).toBeNull();
    // The same file is "ready" only for a target whose ABI it matches, and the same better-sqlite3.
    const asIfNode = { ...target, abi: nodeAbi };
    expect(readyBuild(root, asIfNode, '12.11.1')).toBe(join(folder, 'better_sqlite3.node'));
    expect(readyBuild(root, asIfNode, '99.0.0')).toBeNull();
  });

  it('turns Node’s load error for another ABI into the same message', () => {
    const target = currentRuntime(electronVersions);
    const err = new Error(`The module '/x/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION ${nodeAbi}. This version of Node.js requires\nNODE_MODULE_VERSION ${electronAbi}. Please try re-compiling or re-installing\nthe module (for instance, using \`npm rebuild\` or \`npm install\`).`);
    const check = checkLoadError(target, '/x/better_sqlite3.node', err);
    expect(check.problem).toBe('wrong-abi');
    expect(check.builtFor).toBe(nodeAbi);
    expect(check.message).toMatch(/To fix it, run: npm run build:electron-sqlite$/);
  });

  it('reads the ABI symbol of the real Node build, and none from a file without one', () => {
    expect(readBindingAbi(nodeBuildPath(betterSqlite3Dir()))).toBe(nodeAbi);
    const plain = join(scratch, 'plain.node');
    writeFileSync(plain, 'not an addon');
    expect(readBindingAbi(plain)).toBeNull();
  });
});

describe('the Node build, for the CLI, the browser shell and the tests', () => {
  it('is what a Node process selects, and it loads', () => {
    const target = currentRuntime();
    expect(target.runtime).toBe('node');
    const path = sqliteBindingPath(target);
    expect(path).toBe(nodeBuildPath(betterSqlite3Dir()));
    expect(checkSqliteBinding(target, path)).toMatchObject({ ok: true, builtFor: nodeAbi });
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

describe('preparing the Electron build (scripts/electron-sqlite.ts)', () => {
  it('keeps npm config that would point node-gyp at Node’s headers away from the Electron build', () => {
    const env = electronBuildEnv({ PATH: '/bin', npm_config_nodedir: '/usr', NPM_CONFIG_DISTURL: 'https://nodejs.org/dist', npm_config_target: '20.0.0', npm_config_cache: '/c', npm_config_proxy: 'http://p' });
    expect(env).toEqual({ PATH: '/bin', npm_config_cache: '/c', npm_config_proxy: 'http://p' });
  });

  it('says in a few words why prebuild-install and node-gyp failed (their output offline)', () => {
    const prebuild = [
      'prebuild-install info begin Prebuild-install version 7.1.3',
      'prebuild-install http request GET https://github.com/WiseLibs/better-sqlite3/releases/download/v12.11.1/better-sqlite3-v12.11.1-electron-v145-linux-x64.tar.gz',
      'prebuild-install warn install getaddrinfo ENOTFOUND github.com',
    ].join('\n');
    expect(prebuildFailure(prebuild)).toBe('getaddrinfo ENOTFOUND github.com');
    const gyp = [
      'gyp info it worked if it ends with ok',
      'gyp http GET https://electronjs.org/headers/v41.10.0/node-v41.10.0-headers.tar.gz',
      'gyp WARN install got an error, rolling back install',
      'gyp ERR! configure error ',
      'gyp ERR! stack Error: This is most likely not a problem with node-gyp or the package itself and',
      'gyp ERR! stack is related to network connectivity. In most cases you are behind a proxy or have bad',
      'gyp ERR! not ok ',
    ].join('\n');
    expect(nodeGypFailure(gyp)).toBe("could not download Electron's headers from https://electronjs.org/headers/v41.10.0/node-v41.10.0-headers.tar.gz (no network, or a proxy is needed)");
    const compiler = ['gyp info spawn make', 'make: cc: No such file or directory', 'gyp ERR! build error ', 'gyp ERR! stack Error: `make` failed with exit code: 2', 'gyp ERR! not ok '].join('\n');
    expect(nodeGypFailure(compiler)).toBe('`make` failed with exit code: 2');
  });
});
