/**
 * Which compiled better-sqlite3 this process loads, and whether it can load it.
 *
 * better-sqlite3 13 is a Node-API addon: one compiled file loads in every runtime that offers
 * the Node-API version it was built for, so Node.js (the CLI, the browser shell, the tests) and
 * Electron's main process load the same file. The package ships it prebuilt for each platform,
 * `prebuilds/<platform>-<arch>.node` (`linuxmusl-<arch>` on musl libc); a build compiled from
 * source on purpose, `build/Release/better_sqlite3.node`, comes first, as in better-sqlite3's
 * own loader. Nothing is built or downloaded at install time.
 *
 * The file is checked before anything loads it, because loading an addon that needs a newer
 * Node-API does not always fail politely: Node.js 20.20 (Node-API 9) dies of a segmentation
 * fault loading better-sqlite3 13's prebuilt file. The Node-API version the package is built for
 * is read from its binding.gyp (`NAPI_VERSION=<n>`, the define its prebuilds and a source build
 * are compiled with), the runtime's from `process.versions.napi`. A packaged app has no
 * binding.gyp (electron-builder leaves it out of node_modules) and skips that one check: its
 * Electron is the one it was built and tested with.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const BINDING_FILE = 'better_sqlite3.node';

/** The runtime that will load the file: Node.js, or the Electron main process (or its workers). */
export interface RuntimeTarget {
  readonly runtime: 'node' | 'electron';
  /** Node's or Electron's version. */
  readonly version: string;
  /** The Node-API version this runtime offers (`process.versions.napi`). */
  readonly napi: number;
  readonly platform: string;
  readonly arch: string;
  /** On Linux, the C library the process runs on (the prebuilds differ); null elsewhere. */
  readonly libc: 'glibc' | 'musl' | null;
}

/** The platforms and archs better-sqlite3 ships a prebuilt file for (its lib/binding.js). */
const PREBUILD_PLATFORMS = ['linux', 'darwin', 'win32'];
const PREBUILD_ARCHS = ['x64', 'arm64'];

/** musl or glibc, from the C library loader mapped into this process (as better-sqlite3 itself tells). */
function linuxLibc(): 'glibc' | 'musl' {
  try {
    return /\/ld-musl-[^/\s]*\.so/.test(readFileSync('/proc/self/maps', 'latin1')) ? 'musl' : 'glibc';
  } catch {
    return 'glibc';
  }
}

export function currentRuntime(versions: NodeJS.ProcessVersions = process.versions, platform: string = process.platform, arch: string = process.arch): RuntimeTarget {
  const electron = versions.electron;
  return {
    runtime: electron ? 'electron' : 'node',
    version: electron ?? versions.node,
    napi: Number(versions.napi),
    platform,
    arch,
    libc: platform === 'linux' ? linuxLibc() : null,
  };
}

/** node_modules/better-sqlite3 as this process resolves it (inside app.asar in a packaged app). */
export function betterSqlite3Dir(): string {
  return dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
}

export function betterSqlite3Version(packageDir: string = betterSqlite3Dir()): string {
  return (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Files unpacked from the asar sit under app.asar.unpacked; native code must be loaded from
 * there (the OS loader cannot read inside an archive).
 */
export function unpackedFromAsar(path: string): string {
  return path.replace(/([\\/])app\.asar(?=[\\/]|$)/, '$1app.asar.unpacked');
}

/** `linux-x64`, `linuxmusl-arm64`, `darwin-arm64`, `win32-x64` ...; null where the package ships none. */
export function prebuildName(target: Pick<RuntimeTarget, 'platform' | 'arch' | 'libc'>): string | null {
  if (!PREBUILD_PLATFORMS.includes(target.platform) || !PREBUILD_ARCHS.includes(target.arch)) return null;
  return `${target.libc === 'musl' ? 'linuxmusl' : target.platform}-${target.arch}`;
}

export function sourceBuildPath(packageDir: string): string {
  return unpackedFromAsar(join(packageDir, 'build', 'Release', BINDING_FILE));
}

export function prebuildPath(packageDir: string, name: string): string {
  return unpackedFromAsar(join(packageDir, 'prebuilds', `${name}.node`));
}

/**
 * The file this runtime loads: a source build where one was compiled, else the prebuilt file
 * for its platform (the source build's path where the package ships none, so that a missing
 * file names what to compile).
 */
export function sqliteBindingPath(target: RuntimeTarget, packageDir: string = betterSqlite3Dir()): string {
  const source = sourceBuildPath(packageDir);
  if (existsSync(source)) return source;
  const name = prebuildName(target);
  return name === null ? source : prebuildPath(packageDir, name);
}

/** The Node-API version the package's addon is built for (binding.gyp's NAPI_VERSION); null without a binding.gyp (a packaged app). */
export function neededNodeApi(packageDir: string = betterSqlite3Dir()): number | null {
  try {
    const match = /NAPI_VERSION=(\d+)/.exec(readFileSync(join(packageDir, 'binding.gyp'), 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * What kind of addon a file is, from its exported registration symbol (the same name in ELF,
 * Mach-O and PE files): `napi_register_module_v1` for Node-API, `node_register_module_v<N>` for
 * one compiled against V8 for NODE_MODULE_VERSION N (better-sqlite3 12 and older), neither for
 * a file that is no addon.
 */
export function addonKind(file: string): 'node-api' | 'v8' | 'none' {
  const text = readFileSync(file).toString('latin1');
  if (text.includes('napi_register_module_v1')) return 'node-api';
  return /node_register_module_v\d+/.test(text) ? 'v8' : 'none';
}

export type BindingProblem = 'missing' | 'not-node-api' | 'node-api-too-old' | 'unloadable';

export interface BindingFailure {
  readonly ok: false;
  readonly path: string;
  readonly target: RuntimeTarget;
  readonly problem: BindingProblem;
  /** The Node-API version the file needs, where known. */
  readonly needs: number | null;
  /** What is wrong and what to do, in one paragraph. */
  readonly message: string;
  /** Just what to run, or what to do where there is nothing to run (a packaged app). */
  readonly fix: string;
  readonly fixIsCommand: boolean;
}

export type BindingCheck = { readonly ok: true; readonly path: string; readonly target: RuntimeTarget; readonly needs: number | null } | BindingFailure;

/** Compiles better-sqlite3 from source into build/Release, where it is then loaded (Python 3 and a C++20 compiler). */
export const BUILD_FROM_SOURCE = 'npm --prefix node_modules/better-sqlite3 run build-release';

function describe(target: RuntimeTarget): string {
  const name = target.runtime === 'electron' ? 'Electron' : 'Node.js';
  const libc = target.libc === 'musl' ? ', musl' : '';
  return `${name} ${target.version} (${target.platform}-${target.arch}${libc})`;
}

function fixFor(target: RuntimeTarget, path: string, problem: BindingProblem): { fix: string; fixIsCommand: boolean } {
  if (/app\.asar\.unpacked[\\/]/.test(path)) {
    return { fix: 'reinstall Refinery: this package carries no SQLite engine that loads on this system (packagers: build it on the target OS with npm run package)', fixIsCommand: false };
  }
  if (problem === 'node-api-too-old') {
    return target.runtime === 'node'
      ? { fix: 'use Node.js 22.14 or newer (Node-API 10); in the Refinery folder: source scripts/node22.sh && refinery_node22', fixIsCommand: false }
      : { fix: 'npm ci', fixIsCommand: true };
  }
  // No prebuilt file for this platform, or one that does not load here (an older C library):
  // compile it. A file missing from a platform that has one, or an old V8-API build left in
  // build/, is a broken install.
  if (problem === 'unloadable' || prebuildName(target) === null) return { fix: BUILD_FROM_SOURCE, fixIsCommand: true };
  return { fix: 'npm ci', fixIsCommand: true };
}

export function bindingProblem(target: RuntimeTarget, path: string, problem: BindingProblem, needs: number | null, detail?: string): BindingFailure {
  const { fix, fixIsCommand } = fixFor(target, path, problem);
  let message: string;
  if (problem === 'missing') {
    message =
      prebuildName(target) === null && !/app\.asar\.unpacked[\\/]/.test(path)
        ? `better-sqlite3 ships no prebuilt file for ${describe(target)} and none was compiled: ${path} does not exist.`
        : `better-sqlite3 has no build for ${describe(target)}: ${path} does not exist.`;
  } else if (problem === 'not-node-api') {
    message = `${path} is not a Node-API addon (it was compiled against V8 for one Node.js version, as better-sqlite3 12 and older were), so ${describe(target)} cannot load it.`;
  } else if (problem === 'node-api-too-old') {
    message = `${path} needs Node-API ${needs ?? 'unknown'}, but ${describe(target)} offers Node-API ${target.napi}.`;
  } else {
    message = `${path} could not be loaded by ${describe(target)}: ${detail ?? 'unknown error'}.`;
  }
  return { ok: false, path, target, problem, needs, message: `${message} ${fixIsCommand ? `To fix it, run: ${fix}` : `To fix it, ${fix}.`}`, fix, fixIsCommand };
}

/**
 * Checks the file without loading it: it exists, it is a Node-API addon, and the runtime offers
 * the Node-API version the package is built for.
 */
export function checkSqliteBinding(target: RuntimeTarget, path: string, packageDir: string = betterSqlite3Dir()): BindingCheck {
  const needs = neededNodeApi(packageDir);
  if (!existsSync(path)) return bindingProblem(target, path, 'missing', needs);
  if (addonKind(path) === 'v8') return bindingProblem(target, path, 'not-node-api', needs);
  if (needs !== null && !(target.napi >= needs)) return bindingProblem(target, path, 'node-api-too-old', needs);
  return { ok: true, path, target, needs };
}

/**
 * A failed load turned into the same kind of answer as the checks above: Node's refusal of an
 * addon built for a newer Node-API ("... requires Node-API version 10, but this version of
 * Node.js only supports version 9 add-ons."), or the loader's own reason (another arch, a
 * missing or older system library).
 */
export function checkLoadError(target: RuntimeTarget, path: string, err: unknown): BindingFailure {
  const text = err instanceof Error ? err.message : String(err);
  const napi = /requires Node-API version (\d+)/.exec(text);
  if (napi) return bindingProblem(target, path, 'node-api-too-old', Number(napi[1]));
  return bindingProblem(target, path, 'unloadable', null, text.split('\n')[0]);
}
