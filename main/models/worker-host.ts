/**
 * Parent side of the model worker: starts `worker-entry.ts` in a child Node process (through
 * tsx), sends documents, and turns the child's death into a rejected promise per document in
 * flight, so the caller can restart it and find the document that killed it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DocumentInput, ProgrammerProgress, StageProgram } from '../prox/programmer';
import type { FromWorker, ToWorker, WorkerInit, WorkerReady } from './worker-protocol';

export interface WorkerLaunch {
  readonly entry: string;
  readonly execArgv: string[];
}

/**
 * Under tsx (development, tests) this file is worker-host.ts and the child runs worker-entry.ts
 * through tsx. In a built app (electron-vite bundles main into out/main) the entry is the
 * bundle's `model-worker.js` (electron.vite.config.ts), beside the code that runs this or one
 * folder up when this code sits in a shared chunk folder.
 */
export function workerLaunch(hostUrl: string = import.meta.url): WorkerLaunch {
  const here = fileURLToPath(hostUrl);
  if (here.endsWith('.ts')) return { entry: join(dirname(here), 'worker-entry.ts'), execArgv: ['--import', 'tsx'] };
  const candidates = [join(dirname(here), 'model-worker.js'), join(dirname(dirname(here)), 'model-worker.js')];
  const entry = candidates.find((c) => existsSync(c));
  if (!entry) throw new WorkerInitError(`the model worker is missing from this build (looked for ${candidates.join(' and ')}); reinstall Refinery`);
  return { entry, execArgv: [] };
}

export class WorkerCrashError extends Error {
  constructor(readonly exit: string) {
    super(`the model process died (${exit})`);
    this.name = 'WorkerCrashError';
  }
}

export class WorkerInitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerInitError';
  }
}

interface InFlight {
  resolve(result: StageProgram): void;
  reject(error: Error): void;
}

export class ModelWorker {
  private readonly inFlight = new Map<number, InFlight>();
  private nextRequest = 1;
  private exited: WorkerCrashError | null = null;
  onTokens: ((delta: ProgrammerProgress) => void) | null = null;

  private constructor(private readonly child: ChildProcess, readonly ready: WorkerReady) {
    child.on('message', (message: FromWorker) => this.receive(message));
    child.on('exit', (code, signal) => this.died(code, signal));
    // A failed send to a dying child emits 'error'; the 'exit' that follows settles everything.
    child.on('error', () => undefined);
  }

  /** Starts a worker and waits until the model is loaded (or the load fails). */
  static start(init: WorkerInit): Promise<ModelWorker> {
    const launch = workerLaunch();
    const child = fork(launch.entry, [], {
      execArgv: launch.execArgv,
      // Inside Electron, process.execPath is the Electron binary: make the child a plain Node process.
      env: process.versions.electron ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : process.env,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      // Keep the tail: llama.cpp prints its reason for an abort there.
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    return new Promise<ModelWorker>((resolve, reject) => {
      const onMessage = (message: FromWorker): void => {
        if (message.type === 'ready') {
          cleanup();
          resolve(new ModelWorker(child, message.ready));
        } else if (message.type === 'init-error') {
          cleanup();
          child.kill();
          reject(new WorkerInitError(message.message));
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        cleanup();
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        reject(new WorkerInitError(`the model process died while loading ${init.modelPath} (${describeExit(code, signal)})${tail ? `: ${tail}` : ''}`));
      };
      const onError = (err: Error): void => {
        cleanup();
        child.kill();
        reject(new WorkerInitError(`the model process could not be started: ${err.message}`));
      };
      const cleanup = (): void => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.off('error', onError);
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.on('error', onError);
      child.send({ type: 'init', init } satisfies ToWorker);
    });
  }

  get alive(): boolean {
    return this.exited === null;
  }

  write(doc: DocumentInput): Promise<StageProgram> {
    if (this.exited) return Promise.reject(this.exited);
    const requestId = this.nextRequest++;
    return new Promise<StageProgram>((resolve, reject) => {
      this.inFlight.set(requestId, { resolve, reject });
      // A send racing the child's death fails here; 'exit' then rejects this request like the others.
      this.child.send({ type: 'write', requestId, doc } satisfies ToWorker, () => undefined);
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'shutdown' } satisfies ToWorker);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  private receive(message: FromWorker): void {
    if (message.type === 'result') {
      const request = this.inFlight.get(message.requestId);
      this.inFlight.delete(message.requestId);
      request?.resolve(message.result);
    } else if (message.type === 'tokens') {
      this.onTokens?.({ promptTokens: message.promptTokens, generatedTokens: message.generatedTokens });
    }
  }

  private died(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = new WorkerCrashError(describeExit(code, signal));
    for (const request of this.inFlight.values()) request.reject(this.exited);
    this.inFlight.clear();
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`;
}
