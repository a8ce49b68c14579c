/**
 * Which compiled better-sqlite3 this process loads, and whether it can load it.
 *
 * better-sqlite3 is written against the V8 API, not N-API, so a compiled build loads only in
 * the runtime whose NODE_MODULE_VERSION (ABI) it was compiled for. Two builds live side by side
 * and neither overwrites the other:
 * - Node's, where `npm ci` put it (node_modules/better-sqlite3/build/Release): the CLI, the
 *   browser shell and the tests;
 * - Electron's, in its own folder keyed by Electron version, platform and arch
 *   (native-builds/better-sqlite3/electron-<version>-<platform>-<arch>/), which `npm start`
 *   prepares (scripts/electron-sqlite.ts) and packaging ships unpacked from the asar.
 * The ABI a build was compiled for is read from the file itself (the exported
 * `node_register_module_v<N>` symbol) before anything loads it, so a mismatch becomes a message
 * that says what to run instead of a failed `require` deep inside a workspace open.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const BINDING_FILE = 'better_sqlite3.node';
/** Electron builds, relative to the app's root (the folder holding node_modules, or app.asar). */
export const ELECTRON_BUILDS_DIR = join('native-builds', 'better-sqlite3');
/** Written beside an Electron build: what it was built from, so a stale one is rebuilt. */
export const BUILD_INFO_FILE = 'build-info.json';

/** The runtime a build must match: the one running now, or the Electron `npm start` will launch. */
export interface RuntimeTarget {
  readonly runtime: 'node' | 'electron';
  /** Node's or Electron's version. */
  readonly version: string;
  /** NODE_MODULE_VERSION this runtime loads. */
  readonly abi: number;
  readonly platform: string;
  readonly arch: string;
}

export interface ElectronBuildInfo {
  readonly electron: string;
  readonly platform: string;
  readonly arch: string;
  readonly abi: number;
  readonly betterSqlite3: string;
  readonly source: 'prebuilt' | 'compiled';
  readonly builtAt: string;
}

export function currentRuntime(versions: NodeJS.ProcessVersions = process.versions): RuntimeTarget {
  const electron = versions.electron;
  return {
    runtime: electron ? 'electron' : 'node',
    version: electron ?? versions.node,
    abi: Number(versions.modules),
    platform: process.platform,
    arch: process.arch,
  };
}

/** node_modules/better-sqlite3 as this process resolves it (inside app.asar in a packaged app). */
export function betterSqlite3Dir(): string {
  return dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
}

export function betterSqlite3Version(packageDir: string = betterSqlite3Dir()): string {
  return (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The folder holding node_modules: the repository in development, app.asar when packaged. */
export function appRootOf(packageDir: string): string {
  return dirname(dirname(packageDir));
}

/**
 * Files unpacked from the asar sit under app.asar.unpacked; native code must be loaded from
 * there (the OS loader cannot read inside an archive).
 */
export function unpackedFromAsar(path: string): string {
  return path.replace(/([\\/])app\.asar(?=[\\/]|$)/, '$1app.asar.unpacked');
}

export function electronBuildFolder(appRoot: string, target: Pick<RuntimeTarget, 'version' | 'platform' | 'arch'>): string {
  return join(unpackedFromAsar(appRoot), ELECTRON_BUILDS_DIR, `electron-${target.version}-${target.platform}-${target.arch}`);
}

export function nodeBuildPath(packageDir: string): string {
  return join(packageDir, 'build', 'Release', BINDING_FILE);
}

/** The compiled file this runtime must load: never the Node build for Electron, and the reverse. */
export function sqliteBindingPath(target: RuntimeTarget, packageDir: string = betterSqlite3Dir()): string {
  return target.runtime === 'electron' ? join(electronBuildFolder(appRootOf(packageDir), target), BINDING_FILE) : nodeBuildPath(packageDir);
}

/**
 * The NODE_MODULE_VERSION a compiled addon was built for, read from its exported
 * `node_register_module_v<N>` symbol (the same name in ELF, Mach-O and PE files), or null when
 * the file has none or several (then only loading it can tell).
 */
export function readBindingAbi(file: string): number | null {
  const text = readFileSync(file).toString('latin1');
  const found = new Set<number>();
  for (const match of text.matchAll(/node_register_module_v(\d+)/g)) found.add(Number(match[1]));
  return found.size === 1 ? [...found][0]! : null;
}

export type BindingProblem = 'missing' | 'wrong-abi' | 'unloadable';

export interface BindingFailure {
  readonly ok: false;
  readonly path: string;
  readonly target: RuntimeTarget;
  readonly problem: BindingProblem;
  readonly builtFor: number | null;
  /** What is wrong and what to run, in one paragraph. */
  readonly message: string;
  /** Just what to run, or what to do where there is nothing to run (a packaged app). */
  readonly fix: string;
  readonly fixIsCommand: boolean;
}

export type BindingCheck = { readonly ok: true; readonly path: string; readonly target: RuntimeTarget; readonly builtFor: number | null } | BindingFailure;

function describe(target: RuntimeTarget): string {
  const name = target.runtime === 'electron' ? 'Electron' : 'Node.js';
  return `${name} ${target.version} (${target.platform}-${target.arch}, NODE_MODULE_VERSION ${target.abi})`;
}

/** What the user runs to get a matching build (in the repository); a packaged app can only be reinstalled. */
function fixFor(target: RuntimeTarget, path: string): { fix: string; fixIsCommand: boolean } {
  if (target.runtime === 'node') return { fix: 'npm rebuild better-sqlite3', fixIsCommand: true };
  if (/app\.asar\.unpacked[\\/]/.test(path)) return { fix: 'reinstall Refinery: this package was built without the SQLite engine for its Electron (packagers: npm run package prepares it)', fixIsCommand: false };
  return { fix: 'npm run build:electron-sqlite', fixIsCommand: true };
}

export function bindingProblem(target: RuntimeTarget, path: string, problem: BindingProblem, builtFor: number | null, detail?: string): BindingFailure {
  const { fix, fixIsCommand } = fixFor(target, path);
  let message: string;
  if (problem === 'missing') {
    message = `better-sqlite3 has no build for ${describe(target)}: ${path} does not exist.`;
  } else if (problem === 'wrong-abi') {
    message = `${path} was compiled for NODE_MODULE_VERSION ${builtFor ?? 'unknown'}, but ${describe(target)} needs NODE_MODULE_VERSION ${target.abi}.`;
  } else {
    message = `${path} could not be loaded by ${describe(target)}: ${detail ?? 'unknown error'}.`;
  }
  return { ok: false, path, target, problem, builtFor, message: `${message} ${fixIsCommand ? `To fix it, run: ${fix}` : `To fix it, ${fix}.`}`, fix, fixIsCommand };
}

/** Checks the file without loading it: it exists and its ABI symbol matches the runtime. */
export function checkSqliteBinding(target: RuntimeTarget, path: string): BindingCheck {
  if (!existsSync(path)) return bindingProblem(target, path, 'missing', null);
  const builtFor = readBindingAbi(path);
  if (builtFor !== null && builtFor !== target.abi) return bindingProblem(target, path, 'wrong-abi', builtFor);
  return { ok: true, path, target, builtFor };
}

/**
 * Node's own message when a V8-API addon of another ABI is loaded ("compiled against a
 * different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires
 * NODE_MODULE_VERSION 145"), turned into the same check result as the symbol test gives.
 */
export function checkLoadError(target: RuntimeTarget, path: string, err: unknown): BindingFailure {
  const text = err instanceof Error ? err.message : String(err);
  const versions = /NODE_MODULE_VERSION (\d+)[\s\S]*NODE_MODULE_VERSION (\d+)/.exec(text);
  if (versions) return bindingProblem(target, path, 'wrong-abi', Number(versions[1]));
  return bindingProblem(target, path, 'unloadable', null, text.split('\n')[0]);
}
