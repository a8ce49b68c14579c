/**
 * Runs a llama-server binary for one GGUF model: `--parallel K` slots of `contextPerSlot`
 * tokens each (llama-server divides `-c` among its slots), greedy-friendly defaults, listening
 * on one port. Resolves once /health says the model is loaded; `stop()` ends it.
 *
 * An API key never goes on the command line (other users can read argv): it is handed to the
 * server through its LLAMA_API_KEY environment variable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface LlamaServerOptions {
  readonly binary: string;
  readonly model: string;
  /** TCP port; 0 or undefined: a free one. */
  readonly port?: number;
  /** Default 127.0.0.1: reachable from this machine only. */
  readonly host?: string;
  /** Slots (requests decoded together); default 4. */
  readonly parallel?: number;
  /** Tokens per slot; default 2048, the context of every released ProX model. */
  readonly contextPerSlot?: number;
  readonly threads?: number;
  /** Served model name (/v1/models id); default: the file path, as llama-server does. */
  readonly alias?: string;
  /** Requests must carry `Authorization: Bearer <key>`. */
  readonly apiKey?: string;
  /** Extra llama-server arguments, appended as given. */
  readonly extraArgs?: readonly string[];
  /** Server log lines (stderr and stdout). */
  readonly onLog?: (line: string) => void;
  /** How long to wait for the model to load; default 120 s. */
  readonly startTimeoutMs?: number;
}

export interface RunningLlamaServer {
  /** `http://host:port` (append /v1 for the OpenAI-compatible API). */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Resolves when the process has exited, with how. */
  readonly exited: Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once: a crash, for fault tests. */
  kill(): void;
}

export class LlamaServerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlamaServerStartError';
  }
}

export async function startLlamaServer(options: LlamaServerOptions): Promise<RunningLlamaServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port || (await freePort(host));
  const parallel = options.parallel ?? 4;
  const contextPerSlot = options.contextPerSlot ?? 2048;
  const args = [
    '--model', options.model,
    '--host', host,
    '--port', String(port),
    '--parallel', String(parallel),
    '--ctx-size', String(contextPerSlot * parallel),
    '--no-kv-unified',
    '--no-webui',
    '--metrics',
  ];
  if (options.threads !== undefined) args.push('--threads', String(options.threads), '--threads-batch', String(options.threads));
  if (options.alias !== undefined) args.push('--alias', options.alias);
  args.push(...(options.extraArgs ?? []));
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.LLAMA_API_KEY;
  if (options.apiKey) env.LLAMA_API_KEY = options.apiKey;

  const child = spawn(options.binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const onData = (prefix: string) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 30) tail.shift();
        options.onLog?.(`${prefix}${line}`);
      }
    };
  };
  child.stdout?.on('data', onData(''));
  child.stderr?.on('data', onData(''));
  const exited = new Promise<string>((resolve) => {
    child.on('error', (err) => resolve(`could not start: ${err.message}`));
    child.on('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exited with code ${code}`));
  });
  let gone: string | null = null;
  void exited.then((how) => (gone = how));

  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  while (true) {
    if (gone !== null) throw new LlamaServerStartError(`llama-server ${gone} before it was ready (model ${options.model}):\n${tail.slice(-12).join('\n')}`);
    if (Date.now() > deadline) {
      await stopChild(child, exited, 2000);
      throw new LlamaServerStartError(`llama-server did not become ready within ${Math.round((options.startTimeoutMs ?? 120_000) / 1000)} s (model ${options.model}):\n${tail.slice(-12).join('\n')}`);
    }
    if (await healthy(url)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    pid: child.pid!,
    exited,
    stop: (graceMs = 5000) => stopChild(child, exited, graceMs),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status === 200; // 503 while the model loads
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<string>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A port nobody listens on right now (the server binds it a moment later). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
