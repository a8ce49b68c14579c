/**
 * Starts a worker by name (entries.ts). Under tsx (development, tests, the CLI) it runs the
 * worker's TypeScript source; in a built app it runs `<name>.js`, which the build puts in
 * out/main, beside the entry bundle: the code that asks may sit there or in a chunk folder
 * below it.
 */
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { WORKERS, type ProcessWorkerName, type ThreadWorkerName, type WorkerName } from './entries';

/** The build is missing a worker: nothing a user can fix but reinstalling. */
export class WorkerMissingError extends Error {
  constructor(name: WorkerName, looked: readonly string[]) {
    super(`the ${name} is missing from this build (looked for ${looked.join(' and ')}); reinstall Refinery`);
    this.name = 'WorkerMissingError';
  }
}

export interface WorkerEntry {
  readonly file: string;
  /** The TypeScript source, run through tsx. */
  readonly source: boolean;
}

/** Where worker `name` is, seen from the code at `hostUrl` (this module unless a test says otherwise). */
export function workerEntry(name: WorkerName, hostUrl: string = import.meta.url): WorkerEntry {
  const here = fileURLToPath(hostUrl);
  if (here.endsWith('.ts')) return { file: join(dirname(here), '..', WORKERS[name].source), source: true };
  const candidates = [join(dirname(here), `${name}.js`), join(dirname(dirname(here)), `${name}.js`)];
  const file = candidates.find((c) => existsSync(c));
  if (!file) throw new WorkerMissingError(name, candidates);
  return { file, source: false };
}

export function spawnWorker(name: ThreadWorkerName, options?: WorkerOptions): Promise<Worker>;
export function spawnWorker(name: ProcessWorkerName, options?: ForkOptions): Promise<ChildProcess>;
export async function spawnWorker(name: WorkerName, options: WorkerOptions | ForkOptions = {}): Promise<Worker | ChildProcess> {
  const entry = workerEntry(name);
  const spec = WORKERS[name];
  if (spec.runs === 'process') {
    const forkOptions = options as ForkOptions;
    return fork(entry.file, [], {
      ...forkOptions,
      execArgv: entry.source ? ['--import', import.meta.resolve('tsx')] : [],
      // Inside Electron, process.execPath is the Electron binary: make the child a plain Node process.
      env: process.versions.electron ? { ...(forkOptions.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' } : forkOptions.env,
    });
  }
  const threadOptions = options as WorkerOptions;
  if (!entry.source) return new Worker(entry.file, threadOptions);
  const bundled = 'bundleInDevelopment' in spec ? await developmentBundle(name) : null;
  if (bundled !== null) return new Worker(bundled, { ...threadOptions, eval: true });
  // A thread cannot be given tsx on its command line: a small bootstrap registers it first.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(pathToFileURL(entry.file).href)});`;
  return new Worker(bootstrap, { ...threadOptions, eval: true });
}

const bundles = new Map<WorkerName, Promise<string | null>>();

/**
 * One esbuild bundle of a worker's modules per process, built in esbuild's own process without
 * blocking this thread (development only; tsx brings esbuild). Null when it cannot be built:
 * the worker then starts through tsx.
 */
function developmentBundle(name: WorkerName): Promise<string | null> {
  let bundle = bundles.get(name);
  if (!bundle) {
    bundle = (async () => {
      try {
        const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
        const out = await esbuild.build({ entryPoints: [workerEntry(name).file], bundle: true, platform: 'node', format: 'esm', target: `node${process.versions.node}`, write: false, logLevel: 'silent' });
        return out.outputFiles[0]?.text ?? null;
      } catch {
        return null;
      }
    })();
    bundles.set(name, bundle);
  }
  return bundle;
}

/**
 * Starts building a worker's development bundle now, so that it is ready by the time the
 * worker is wanted (a scan starts it before listing its folder). Does nothing in a build.
 */
export function prepareWorker(name: WorkerName): void {
  if (import.meta.url.endsWith('.ts') && 'bundleInDevelopment' in WORKERS[name]) void developmentBundle(name);
}
