/**
 * `refinery llama-server --model <file.gguf> [--port N] [--parallel K]` (also `npm run
 * llama-server -- ...`): builds llama.cpp's llama-server once from the source node-llama-cpp
 * ships (cached per user), starts it for the model, prints the URL and the programmer ref to
 * use, and runs until interrupted. `--build-only` builds (or finds) the binary and prints its path.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureLlamaServer, LlamaServerBuildError, type BuildProgress, type ServerBackend } from '../llama-server/build';
import { LlamaServerStartError, startLlamaServer } from '../llama-server/process';
import { API_KEY_ENV } from '../remote/api-key';
import { CliError } from './errors';
import { createProgressDisplay, formatSeconds } from './workspace-options';

interface LlamaServerCliOptions {
  model?: string;
  port: string;
  host: string;
  parallel: string;
  context: string;
  threads?: string;
  alias?: string;
  backend: string;
  jobs?: string;
  buildOnly?: boolean;
  verbose?: boolean;
}

export function register(program: Command): void {
  program
    .command('llama-server')
    .description(`build llama.cpp's llama-server once (from the llama.cpp source node-llama-cpp ships; cached in the user cache folder) and serve a GGUF model over the OpenAI-compatible API; the API key, if any, comes from ${API_KEY_ENV}`)
    .option('--model <file.gguf>', 'the model to serve')
    .option('--port <n>', 'TCP port (0: any free port)', '8080')
    .option('--host <address>', 'address to listen on (0.0.0.0 for other machines)', '127.0.0.1')
    .option('--parallel <k>', 'slots: requests decoded together', '4')
    .option('--context <tokens>', 'context per slot', '2048')
    .option('--threads <n>', 'CPU threads (default: llama-server\'s choice)')
    .option('--alias <name>', 'served model name (/v1/models id); default: the model file name')
    .option('--backend <kind>', 'auto | cpu | cuda (auto: CUDA when a toolkit with cuBLAS is installed)', 'auto')
    .option('--jobs <n>', 'parallel compile jobs for the one-time build (default: all cores)')
    .option('--build-only', 'build (or find) the binary, print its path and exit')
    .option('--verbose', 'print the server log')
    .action(async (options: LlamaServerCliOptions) => {
      const backend = backendOf(options.backend);
      const jobs = options.jobs === undefined ? undefined : positive('--jobs', options.jobs);
      if (!options.buildOnly && !options.model) throw new CliError('--model <file.gguf> is required (or --build-only)');
      const model = options.model ? resolve(options.model) : '';
      if (model && !existsSync(model)) throw new CliError(`--model ${options.model}: no such file`);

      const display = createProgressDisplay('llama-server build', process.stderr, 30_000);
      const started = performance.now();
      const binary = await ensureLlamaServer({ backend, jobs, onProgress: (p) => display.update(p.done, p.total, describeBuild(p, started)) }).catch((err: unknown) => {
        display.stop();
        if (err instanceof LlamaServerBuildError) throw new CliError(err.message);
        throw err;
      });
      display.stop();
      process.stderr.write(`llama-server (${binary.backend}, llama.cpp ${binary.commit.slice(0, 8)}): ${binary.built ? `built in ${formatSeconds(binary.buildSeconds)}` : 'cached'}: ${binary.path}\n`);
      if (options.buildOnly) {
        process.stdout.write(`${binary.path}\n`);
        return;
      }

      const parallel = positive('--parallel', options.parallel);
      let server;
      try {
        server = await startLlamaServer({
          binary: binary.path,
          model,
          port: nonNegative('--port', options.port),
          host: options.host,
          parallel,
          contextPerSlot: positive('--context', options.context),
          threads: options.threads === undefined ? undefined : positive('--threads', options.threads),
          alias: options.alias,
          apiKey: process.env[API_KEY_ENV] || undefined,
          onLog: options.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
        });
      } catch (err) {
        if (err instanceof LlamaServerStartError) throw new CliError(err.message);
        throw err;
      }
      process.stdout.write(`llama-server is running at ${server.url} (pid ${server.pid}, ${parallel} slots)\n`);
      process.stdout.write(`use it as: --doc-model openai:${server.url}/v1  (or --chunk-model ...)\n`);
      const stop = () => void server.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const how = await server.exited;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write(`llama-server ${how}\n`);
    });
}

function describeBuild(p: BuildProgress, started: number): string {
  if (p.phase !== 'compiling' || p.total === 0) return `${p.phase}...`;
  const seconds = (performance.now() - started) / 1000;
  const rate = p.done / seconds;
  return `compiling, ${formatSeconds(seconds)} so far, ETA ${formatSeconds(rate > 0 ? (p.total - p.done) / rate : null)}`;
}

function backendOf(value: string): ServerBackend | 'auto' {
  if (value === 'auto' || value === 'cpu' || value === 'cuda') return value;
  throw new CliError(`--backend must be auto, cpu or cuda, not "${value}"`);
}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} must be a positive integer, not "${value}"`);
  return n;
}

function nonNegative(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`${flag} must be a port number (0-65535), not "${value}"`);
  return n;
}
