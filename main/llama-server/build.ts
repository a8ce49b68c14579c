/**
 * Builds llama.cpp's `llama-server` once, from the llama.cpp source that node-llama-cpp ships
 * (`llama/gitRelease.bundle`, a git bundle of the exact release its addon was built from), and
 * keeps the binary in the per-user cache folder. Only the `llama-server` target is built,
 * Release, statically linked, so the cache holds one file per (llama.cpp commit, backend, CPU).
 *
 * CPU by default; CUDA when a CUDA toolkit with cuBLAS is installed (nvcc alone cannot build
 * llama.cpp's CUDA backend). Several processes may ask at once (parallel tests, array-job
 * tasks on a shared home folder): one builds under a lock, the others wait for its result.
 */
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, realpathSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lockfile from 'proper-lockfile';
import { refineryCacheDir } from './cache-dir';

export type ServerBackend = 'cpu' | 'cuda';

export interface BuildProgress {
  readonly phase: 'waiting' | 'extracting' | 'configuring' | 'compiling';
  /** Compile steps done and total, when the build tool says (ninja and make do). */
  readonly done: number;
  readonly total: number;
}

export interface BuildOptions {
  /** 'auto' (default): CUDA when a toolkit with cuBLAS is found, else CPU. */
  readonly backend?: ServerBackend | 'auto';
  /** Parallel compile jobs; default: the cores this process may use. */
  readonly jobs?: number;
  readonly cacheDir?: string;
  readonly onProgress?: (progress: BuildProgress) => void;
  readonly env?: NodeJS.ProcessEnv;
}

export interface LlamaServerBinary {
  readonly path: string;
  readonly backend: ServerBackend;
  /** llama.cpp commit of the bundled source. */
  readonly commit: string;
  /** Whether this call built it (false: found in the cache). */
  readonly built: boolean;
  /** Seconds the build took (this call's, or the cached build's as recorded). */
  readonly buildSeconds: number;
}

/** A build that cannot happen or failed: the message says what is missing or where the log is. */
export class LlamaServerBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlamaServerBuildError';
  }
}

interface BuildStamp {
  readonly commit: string;
  readonly backend: ServerBackend;
  readonly seconds: number;
  readonly builtAt: string;
  readonly cmakeFlags: readonly string[];
}

/** node-llama-cpp's copy of llama.cpp: the bundle file and the commit it holds. */
export function bundledLlamaSource(): { bundle: string; commit: string } {
  const bundle = join(nodeLlamaCppRoot(), 'llama', 'gitRelease.bundle');
  if (!existsSync(bundle)) throw new LlamaServerBuildError(`${bundle} is missing: reinstall node-llama-cpp (npm ci) so that it ships llama.cpp's source`);
  const heads = run('git', ['bundle', 'list-heads', bundle]);
  const commit = /^([0-9a-f]{40})\s/m.exec(heads)?.[1];
  if (!commit) throw new LlamaServerBuildError(`${bundle} does not look like a git bundle (git bundle list-heads printed: ${heads.slice(0, 200)})`);
  return { bundle, commit };
}

/** The CUDA toolkit root when one that can build llama.cpp's CUDA backend is installed. */
export function findCudaToolkit(env: NodeJS.ProcessEnv = process.env): { root: string; nvcc: string } | null {
  const candidates = [
    env.CUDACXX,
    env.CUDA_PATH && join(env.CUDA_PATH, 'bin', 'nvcc'),
    env.CUDA_HOME && join(env.CUDA_HOME, 'bin', 'nvcc'),
    ...(env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'nvcc')),
    '/usr/local/cuda/bin/nvcc',
  ];
  for (const candidate of candidates) {
    if (!candidate || !existsSync(candidate)) continue;
    let nvcc: string;
    try {
      nvcc = realpathSync(candidate);
    } catch {
      continue;
    }
    const root = dirname(dirname(nvcc));
    const includeDirs = [join(root, 'include'), ...subdirs(join(root, 'targets')).map((t) => join(root, 'targets', t, 'include'))];
    if (includeDirs.some((dir) => existsSync(join(dir, 'cublas_v2.h')))) return { root, nvcc };
  }
  return null;
}

export function chooseBackend(requested: ServerBackend | 'auto' = 'auto', env: NodeJS.ProcessEnv = process.env): ServerBackend {
  if (requested === 'cpu') return 'cpu';
  const cuda = findCudaToolkit(env);
  if (requested === 'cuda' && !cuda) {
    throw new LlamaServerBuildError('--backend cuda needs a CUDA toolkit with cuBLAS (nvcc and cublas_v2.h); none was found (set CUDA_PATH), or use --backend cpu');
  }
  return cuda ? 'cuda' : 'cpu';
}

/** Where the binary for this source, backend and CPU lives; GGML_NATIVE tunes it for this CPU. */
export function cachedBinaryPath(commit: string, backend: ServerBackend, cacheDir = refineryCacheDir()): string {
  return join(cacheDir, 'llama-server', `${commit.slice(0, 12)}-${backend}-${cpuKey()}`, exeName());
}

/** The cached binary if one was built for this source, backend and CPU; never builds. */
export function findLlamaServer(options: Pick<BuildOptions, 'backend' | 'cacheDir' | 'env'> = {}): LlamaServerBinary | null {
  const { commit } = bundledLlamaSource();
  const backend = chooseBackend(options.backend, options.env);
  const path = cachedBinaryPath(commit, backend, options.cacheDir);
  const stamp = readStamp(path);
  return stamp && existsSync(path) ? { path, backend, commit, built: false, buildSeconds: stamp.seconds } : null;
}

/** The llama-server binary, built first if the cache has none. */
export async function ensureLlamaServer(options: BuildOptions = {}): Promise<LlamaServerBinary> {
  const env = options.env ?? process.env;
  const source = bundledLlamaSource();
  const backend = chooseBackend(options.backend, env);
  const binary = cachedBinaryPath(source.commit, backend, options.cacheDir);
  const found = () => {
    const stamp = readStamp(binary);
    return stamp && existsSync(binary) ? { path: binary, backend, commit: source.commit, built: false, buildSeconds: stamp.seconds } : null;
  };
  const cached = found();
  if (cached) return cached;

  checkTools(backend);
  const home = dirname(binary);
  mkdirSync(dirname(home), { recursive: true });
  options.onProgress?.({ phase: 'waiting', done: 0, total: 0 });
  // The lock is refreshed while held; a holder that died leaves a stale lock others take over.
  const release = await lockfile.lock(dirname(home), {
    lockfilePath: `${home}.lock`,
    stale: 60_000,
    retries: { forever: true, minTimeout: 1000, maxTimeout: 5000 },
    realpath: false,
  });
  try {
    const builtMeanwhile = found();
    if (builtMeanwhile) return builtMeanwhile;
    const seconds = await build(source, backend, home, options, env);
    return { path: binary, backend, commit: source.commit, built: true, buildSeconds: seconds };
  } finally {
    await release();
  }
}

async function build(source: { bundle: string; commit: string }, backend: ServerBackend, home: string, options: BuildOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const work = `${home}.build-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const log = `${home}.build.log`;
  const logStream = createWriteStream(log);
  try {
    const src = join(work, 'llama.cpp');
    options.onProgress?.({ phase: 'extracting', done: 0, total: 0 });
    await runLogged('git', ['-c', 'advice.detachedHead=false', 'clone', '--quiet', source.bundle, src], logStream, log, env);

    const flags = cmakeFlags(backend, env);
    const generator = onPath('ninja', env) ? ['-G', 'Ninja'] : [];
    options.onProgress?.({ phase: 'configuring', done: 0, total: 0 });
    const buildDir = join(work, 'build');
    await runLogged('cmake', ['-S', src, '-B', buildDir, ...generator, ...flags], logStream, log, env);

    const jobs = options.jobs ?? availableParallelism();
    await runLogged('cmake', ['--build', buildDir, '--target', 'llama-server', '--config', 'Release', '--parallel', String(jobs)], logStream, log, env, (line) => {
      const step = /^\[(\d+)\/(\d+)\]/.exec(line); // ninja
      if (step) options.onProgress?.({ phase: 'compiling', done: Number(step[1]), total: Number(step[2]) });
      const percent = /^\[\s*(\d+)%\]/.exec(line); // make
      if (percent) options.onProgress?.({ phase: 'compiling', done: Number(percent[1]), total: 100 });
    });

    const produced = [join(buildDir, 'bin', exeName()), join(buildDir, 'bin', 'Release', exeName())].find((p) => existsSync(p));
    if (!produced) throw new LlamaServerBuildError(`the build finished but produced no ${exeName()} under ${join(buildDir, 'bin')}; see ${log}`);
    const seconds = (performance.now() - started) / 1000;
    const staged = `${home}.staged-${process.pid}`;
    rmSync(staged, { recursive: true, force: true });
    mkdirSync(staged, { recursive: true });
    renameSync(produced, join(staged, exeName()));
    const stamp: BuildStamp = { commit: source.commit, backend, seconds: Math.round(seconds), builtAt: new Date().toISOString(), cmakeFlags: flags };
    writeFileSync(join(staged, 'build.json'), `${JSON.stringify(stamp, null, 2)}\n`);
    rmSync(home, { recursive: true, force: true });
    renameSync(staged, home);
    return seconds;
  } finally {
    logStream.end();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Only what llama-server needs: no tests, examples or other tools, no web UI (its prebuilt
 * assets would be downloaded), no HTTPS (a local or cluster-internal server), one static binary.
 */
function cmakeFlags(backend: ServerBackend, env: NodeJS.ProcessEnv): string[] {
  const flags = [
    '-DCMAKE_BUILD_TYPE=Release',
    '-DBUILD_SHARED_LIBS=OFF',
    '-DLLAMA_BUILD_TESTS=OFF',
    '-DLLAMA_BUILD_EXAMPLES=OFF',
    '-DLLAMA_BUILD_TOOLS=ON',
    '-DLLAMA_BUILD_SERVER=ON',
    '-DLLAMA_BUILD_APP=OFF',
    '-DLLAMA_BUILD_UI=OFF',
    '-DLLAMA_USE_PREBUILT_UI=OFF',
    '-DLLAMA_OPENSSL=OFF',
    '-DGGML_NATIVE=ON',
  ];
  if (backend === 'cuda') {
    const cuda = findCudaToolkit(env)!;
    flags.push('-DGGML_CUDA=ON', `-DCMAKE_CUDA_COMPILER=${cuda.nvcc}`);
    // Only the GPU that is here, when one is: a build for every architecture takes hours.
    if (onPath('nvidia-smi', env)) flags.push('-DCMAKE_CUDA_ARCHITECTURES=native');
  }
  return flags;
}

function checkTools(backend: ServerBackend): void {
  const missing = ['git', 'cmake'].filter((tool) => !onPath(tool));
  if (!onPath('c++') && !onPath('g++') && !onPath('clang++')) missing.push('a C++ compiler');
  if (missing.length > 0) {
    throw new LlamaServerBuildError(
      `building llama-server (${backend}) needs ${missing.join(', ')}; install them (Debian/Ubuntu: apt-get install git cmake g++; macOS: xcode-select --install and brew install cmake)`,
    );
  }
}

function runLogged(command: string, args: string[], log: NodeJS.WritableStream, logPath: string, env: NodeJS.ProcessEnv, onLine?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    log.write(`$ ${command} ${args.join(' ')}\n`);
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let partial = '';
    const take = (chunk: Buffer) => {
      log.write(chunk);
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        onLine?.(line);
        tail.push(line);
        if (tail.length > 20) tail.shift();
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (err) => reject(new LlamaServerBuildError(`could not run ${command}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else {
        const why = signal ? `was killed (${signal})` : `exited with code ${code}`;
        reject(new LlamaServerBuildError(`${command} ${args[0] ?? ''} ${why} while building llama-server; full log: ${logPath}\n${tail.slice(-8).join('\n')}`));
      }
    });
  });
}

/** node-llama-cpp's package folder (its exports map hides package.json, so walk up from its entry). */
function nodeLlamaCppRoot(): string {
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve('node-llama-cpp'));
  } catch {
    throw new LlamaServerBuildError('node-llama-cpp is not installed, so there is no llama.cpp source to build llama-server from; run npm ci');
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'llama'))) return dir;
  }
  throw new LlamaServerBuildError(`could not find node-llama-cpp's package folder above ${entry}`);
}

function readStamp(binary: string): BuildStamp | null {
  try {
    return JSON.parse(readFileSync(join(dirname(binary), 'build.json'), 'utf8')) as BuildStamp;
  } catch {
    return null;
  }
}

function onPath(tool: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, process.platform === 'win32' ? `${tool}.exe` : tool)));
}

function exeName(): string {
  return process.platform === 'win32' ? 'llama-server.exe' : 'llama-server';
}

/** GGML_NATIVE builds use this CPU's instructions: another CPU model gets its own build. */
function cpuKey(): string {
  let flags = '';
  try {
    flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? '';
  } catch {
    // not Linux: the model name is what we have
  }
  return createHash('sha256').update(`${process.arch}\n${cpus()[0]?.model ?? ''}\n${flags}`).digest('hex').slice(0, 8);
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new LlamaServerBuildError(`${command} ${args.join(' ')} failed: ${err instanceof Error ? err.message : String(err)}${command === 'git' ? ' (is git installed?)' : ''}`);
  }
}
