/**
 * Prepares better-sqlite3 for the Electron that `npm start` launches and packaging ships, in
 * its own folder (native-builds/better-sqlite3/electron-<version>-<platform>-<arch>/), never
 * touching the Node build the CLI and the tests load. Kept until Electron's version, the
 * platform, the arch or better-sqlite3's version changes.
 *
 * 1. A prebuilt binary for the Electron runtime (prebuild-install --runtime electron), fetched
 *    in a scratch copy of the package, since prebuild-install writes into the package it runs in.
 * 2. Otherwise node-gyp compiles the same scratch copy against Electron's headers.
 * Either way the result's ABI symbol must match Electron's NODE_MODULE_VERSION before it is
 * moved into place.
 *
 * `npm run build:electron-sqlite [-- --arch arm64 --platform darwin --force]`; `npm start` and
 * `npm run package` call prepareElectronSqlite() themselves.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getAbi } from 'node-abi';
import { BINDING_FILE, BUILD_INFO_FILE, electronBuildFolder, readBindingAbi, type ElectronBuildInfo } from '../native/sqlite/binding';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where node-gyp fetches Electron's headers (Electron's documented address). */
export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

export interface ElectronTarget {
  readonly version: string;
  /** NODE_MODULE_VERSION of this Electron, or null when neither Electron nor node-abi says. */
  readonly abi: number | null;
  readonly platform: string;
  readonly arch: string;
}

export interface PrepareOptions {
  readonly root?: string;
  readonly platform?: string;
  readonly arch?: string;
  /** Rebuild even when a matching build is there. */
  readonly force?: boolean;
  /** Progress, one line at a time. */
  readonly log?: (line: string) => void;
}

export type PrepareResult =
  | { readonly ok: true; readonly path: string; readonly target: ElectronTarget; readonly source: 'ready' | 'prebuilt' | 'compiled' }
  | { readonly ok: false; readonly target: ElectronTarget | null; readonly reason: string };

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** The installed electron package's version and ABI (its `abi_version` file, else node-abi's registry). */
export function installedElectron(root: string, platform: string = process.platform, arch: string = process.arch): ElectronTarget | null {
  const electronDir = join(root, 'node_modules', 'electron');
  const pkg = readJson<{ version?: string }>(join(electronDir, 'package.json'));
  if (!pkg?.version) return null;
  let abi: number | null = null;
  const shipped = join(electronDir, 'abi_version');
  if (existsSync(shipped)) abi = Number(readFileSync(shipped, 'utf8').trim()) || null;
  if (abi === null) {
    try {
      abi = Number(getAbi(pkg.version, 'electron'));
    } catch {
      abi = null;
    }
  }
  return { version: pkg.version, abi, platform, arch };
}

function betterSqlite3(root: string): { dir: string; version: string } | null {
  const dir = join(root, 'node_modules', 'better-sqlite3');
  const version = readJson<{ version?: string }>(join(dir, 'package.json'))?.version;
  return version ? { dir, version } : null;
}

/** A build that matches the target and the installed better-sqlite3, or null. */
export function readyBuild(root: string, target: ElectronTarget, betterSqlite3Version: string): string | null {
  const folder = electronBuildFolder(root, target);
  const file = join(folder, BINDING_FILE);
  const info = readJson<ElectronBuildInfo>(join(folder, BUILD_INFO_FILE));
  if (!info || !existsSync(file)) return null;
  if (info.electron !== target.version || info.platform !== target.platform || info.arch !== target.arch || info.betterSqlite3 !== betterSqlite3Version) return null;
  const abi = readBindingAbi(file);
  if (target.abi !== null && abi !== target.abi) return null;
  return file;
}

interface StepResult {
  readonly code: number | null;
  readonly output: string;
}

/**
 * npm passes its config to scripts as npm_config_* variables, and node-gyp and prebuild-install
 * read them: a `nodedir` (Node's headers) or `disturl` set for Node would make node-gyp compile
 * against Node instead of Electron. The command line names the target; these must not override it.
 */
export function electronBuildEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (!/^npm_config_(nodedir|target|target_arch|arch|runtime|disturl|dist_url|platform)$/i.test(key)) clean[key] = value;
  }
  return clean;
}

/** Runs a Node script, keeping its output for the failure reason; ticks `progress` while it runs. */
function runNode(script: string, args: readonly string[], cwd: string, timeoutMs: number, progress?: (seconds: number) => void): Promise<StepResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: electronBuildEnv() });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const started = Date.now();
    const ticker = progress ? setInterval(() => progress(Math.round((Date.now() - started) / 1000)), 15_000) : null;
    const timer = setTimeout(() => {
      output += `\n(stopped after ${Math.round(timeoutMs / 1000)} s)`;
      child.kill('SIGTERM');
    }, timeoutMs);
    const finish = (code: number | null): void => {
      clearTimeout(timer);
      if (ticker) clearInterval(ticker);
      done({ code, output });
    };
    child.on('error', (err) => {
      output += `\n${err.message}`;
      finish(null);
    });
    child.on('close', (code) => finish(code));
  });
}

/** prebuild-install's own last warning ("getaddrinfo ENOTFOUND github.com", "No prebuilt binaries found ..."). */
export function prebuildFailure(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const warning = lines.filter((l) => /^prebuild-install (warn|ERR!)/.test(l)).pop();
  return (warning ?? lines.pop() ?? 'no output').replace(/^prebuild-install (warn|ERR!) (install )?/, '');
}

/** The line of node-gyp's output that says why: a failed header download, a missing Python or compiler. */
export function nodeGypFailure(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const stack = lines.find((l) => /^gyp ERR! stack \w*Error:/.test(l))?.replace(/^gyp ERR! stack \w*Error: /, '');
  const download = lines.find((l) => l.startsWith('gyp http GET '))?.slice('gyp http GET '.length);
  if (download && lines.some((l) => l.startsWith('gyp WARN install got an error'))) {
    const why = !stack || stack.startsWith('This is most likely not a problem with node-gyp') ? 'no network, or a proxy is needed' : stack;
    return `could not download Electron's headers from ${download} (${why})`;
  }
  if (stack) return stack;
  const error = lines.filter((l) => l.startsWith('gyp ERR!') && !/^gyp ERR! (System|command|cwd|node -v|node-gyp -v|not ok)/.test(l)).pop();
  return (error ?? lines.pop() ?? 'no output').replace(/^gyp ERR! /, '');
}

function resolveTool(root: string, request: string): string | null {
  try {
    return createRequire(join(root, 'package.json')).resolve(request);
  } catch {
    return null;
  }
}

/** Where the failed step's full output is kept for the user to read. */
function keepLog(name: string, output: string): string {
  const file = join(tmpdir(), `refinery-${name}-${Date.now()}.log`);
  writeFileSync(file, output);
  return file;
}

function installBuild(root: string, target: ElectronTarget, built: string, betterSqlite3Version: string, source: 'prebuilt' | 'compiled'): string {
  const folder = electronBuildFolder(root, target);
  const staging = `${folder}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  copyFileSync(built, join(staging, BINDING_FILE));
  const info: ElectronBuildInfo = { electron: target.version, platform: target.platform, arch: target.arch, abi: readBindingAbi(built) ?? target.abi ?? 0, betterSqlite3: betterSqlite3Version, source, builtAt: new Date().toISOString() };
  writeFileSync(join(staging, BUILD_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
  rmSync(folder, { recursive: true, force: true });
  renameSync(staging, folder);
  // Builds for other Electron versions of this platform and arch are stale now; packaging would ship them.
  const parent = dirname(folder);
  for (const name of readdirSync(parent)) {
    if (name.startsWith('electron-') && name.endsWith(`-${target.platform}-${target.arch}`) && join(parent, name) !== folder) rmSync(join(parent, name), { recursive: true, force: true });
  }
  return join(folder, BINDING_FILE);
}

export async function prepareElectronSqlite(options: PrepareOptions = {}): Promise<PrepareResult> {
  const root = options.root ?? REPO_ROOT;
  const log = options.log ?? (() => undefined);
  const target = installedElectron(root, options.platform, options.arch);
  if (!target) return { ok: false, target: null, reason: 'the electron package is not installed (node_modules/electron is missing; run npm ci)' };
  const sqlite = betterSqlite3(root);
  if (!sqlite) return { ok: false, target, reason: 'better-sqlite3 is not installed (node_modules/better-sqlite3 is missing; run npm ci)' };
  if (!options.force) {
    const ready = readyBuild(root, target, sqlite.version);
    if (ready) return { ok: true, path: ready, target, source: 'ready' };
  }

  const abiText = target.abi === null ? 'NODE_MODULE_VERSION unknown' : `NODE_MODULE_VERSION ${target.abi}`;
  log(`preparing better-sqlite3 ${sqlite.version} for Electron ${target.version} (${target.platform}-${target.arch}, ${abiText}), once per Electron version`);
  const scratch = mkdtempSync(join(tmpdir(), 'refinery-electron-sqlite-'));
  try {
    const copy = join(scratch, 'better-sqlite3');
    // Everything node-gyp needs (binding.gyp, src, deps), nothing already built for Node.
    cpSync(sqlite.dir, copy, { recursive: true, filter: (from) => !['build', 'node_modules', 'prebuilds'].includes(relative(sqlite.dir, from)) });
    const built = join(copy, 'build', 'Release', BINDING_FILE);
    const check = (source: 'prebuilt' | 'compiled'): PrepareResult | string => {
      if (!existsSync(built)) return `${source === 'prebuilt' ? 'prebuild-install' : 'node-gyp'} reported success but wrote no ${BINDING_FILE}`;
      const abi = readBindingAbi(built);
      if (target.abi !== null && abi !== null && abi !== target.abi) return `the ${source} binary is for NODE_MODULE_VERSION ${abi}, not ${target.abi}`;
      return { ok: true, path: installBuild(root, target, built, sqlite.version, source), target, source };
    };

    // 1. A prebuilt binary.
    let prebuiltWhy: string;
    const prebuild = resolveTool(root, 'prebuild-install/bin.js');
    if (!prebuild) {
      prebuiltWhy = 'prebuild-install is not installed';
    } else {
      log('[1/2] downloading a prebuilt binary for Electron …');
      const step = await runNode(prebuild, ['--runtime', 'electron', '--target', target.version, '--platform', target.platform, '--arch', target.arch, '--verbose'], copy, 5 * 60_000);
      if (step.code === 0) {
        const result = check('prebuilt');
        if (typeof result !== 'string') {
          log('[1/2] prebuilt binary installed');
          return result;
        }
        prebuiltWhy = result;
      } else {
        prebuiltWhy = prebuildFailure(step.output);
      }
      log(`[1/2] no prebuilt binary: ${prebuiltWhy}`);
    }

    // 2. Compile against Electron's headers (only for this machine's platform).
    let compileWhy: string;
    const nodeGyp = resolveTool(root, 'node-gyp/bin/node-gyp.js') ?? process.env.npm_config_node_gyp ?? null;
    if (target.platform !== process.platform) {
      compileWhy = `cannot compile for ${target.platform} on ${process.platform}`;
    } else if (!nodeGyp) {
      compileWhy = 'node-gyp is not installed';
    } else {
      log(`[2/2] compiling against Electron ${target.version}'s headers with node-gyp (a few minutes; needs Python 3 and a C++ compiler) …`);
      const args = ['rebuild', '--release', `--target=${target.version}`, `--arch=${target.arch}`, `--dist-url=${ELECTRON_HEADERS_URL}`];
      const step = await runNode(nodeGyp, args, copy, 30 * 60_000, (s) => log(`[2/2] compiling … ${s} s`));
      if (step.code === 0) {
        const result = check('compiled');
        if (typeof result !== 'string') {
          log('[2/2] compiled');
          return result;
        }
        compileWhy = result;
      } else {
        compileWhy = `${nodeGypFailure(step.output)}; node-gyp's log: ${keepLog('node-gyp', step.output)}`;
      }
    }
    return { ok: false, target, reason: `no prebuilt binary could be downloaded (${prebuiltWhy}), and node-gyp could not compile it: ${compileWhy}` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function parseArgs(argv: readonly string[]): PrepareOptions {
  const options: { platform?: string; arch?: string; force?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--force') options.force = true;
    else if (arg === '--arch' || arg === '--platform') {
      const value = argv[++i];
      if (!value) throw new Error(`${arg} needs a value, e.g. ${arg === '--arch' ? 'x64 or arm64' : 'linux, darwin or win32'}`);
      options[arg === '--arch' ? 'arch' : 'platform'] = value;
    } else {
      throw new Error(`unknown argument "${arg}"; use [--arch <arch>] [--platform <platform>] [--force]`);
    }
  }
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  let options: PrepareOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`build:electron-sqlite: ${(err as Error).message}`);
    process.exit(2);
  }
  const result = await prepareElectronSqlite({ ...options, log: (line) => console.log(`refinery: ${line}`) });
  if (result.ok) {
    console.log(`refinery: better-sqlite3 for Electron ${result.target.version} (${result.target.platform}-${result.target.arch}) ${result.source === 'ready' ? 'is up to date' : 'is ready'}: ${result.path}`);
  } else {
    console.error(`refinery: cannot prepare better-sqlite3 for Electron${result.target ? ` ${result.target.version} (${result.target.platform}-${result.target.arch})` : ''}: ${result.reason}`);
    process.exit(1);
  }
}
