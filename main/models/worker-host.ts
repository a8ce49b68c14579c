/**
 * Parent side of the model worker: starts the `model-worker` (worker-entry.ts) in a child Node
 * process, sends documents, and turns the child's death into a rejected promise per document in
 * flight, so the caller can restart it and find the document that killed it.
 */
import type { ChildProcess } from 'node:child_process';
import type { DocumentInput, ProgrammerProgress, StageProgram } from '../prox/programmer';
import { spawnWorker } from '../workers/spawn-worker';
import type { FromWorker, ToWorker, WorkerInit, WorkerReady } from './worker-protocol';

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
  static async start(init: WorkerInit): Promise<ModelWorker> {
    let child: ChildProcess;
    try {
      child = await spawnWorker('model-worker', { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    } catch (err) {
      throw new WorkerInitError(err instanceof Error ? err.message : String(err));
    }
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
