/** `refinery models convert <checkpoint-folder | hf:owner/repo> --out <file.gguf> [--type f32|f16|q8_0]` */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { convertCheckpoint } from '../convert/convert-checkpoint';
import { fetchHubCheckpoint, parseHubRepo } from '../convert/hub-checkpoint';
import { modelsDir } from '../models/registry';
import { formatBytes } from '../convert/disk-space';
import { OUTPUT_TYPES, type OutputType } from '../convert/llama-gguf';
import { CliError } from './errors';
import { SingleBar } from 'cli-progress';

interface ConvertCliOptions {
  out: string;
  type: string;
  force?: boolean;
  cacheDir?: string;
  hfEndpoint?: string;
}

/** A local folder as is; a Hub repository (hf:owner/repo or owner/repo) fetched into the cache first. */
async function checkpointFolder(source: string, options: ConvertCliOptions): Promise<string> {
  if (existsSync(source)) return source;
  const repo = parseHubRepo(source);
  if (!repo) throw new CliError(`${source}: no such folder (give a checkpoint folder or a Hugging Face repository as hf:owner/repo)`);
  const cacheDir = options.cacheDir ?? join(modelsDir(), 'checkpoints');
  const display = progressDisplay('downloading');
  const started = performance.now();
  try {
    const folder = await fetchHubCheckpoint(repo, {
      cacheDir,
      endpoint: options.hfEndpoint,
      onProgress: (p) => display.update(p.bytes, p.total ?? p.bytes, `${p.file} (${p.fileIndex + 1}/${p.files})`, (performance.now() - started) / 1000),
    });
    display.stop();
    console.log(`checkpoint ${repo} is in ${folder}`);
    return folder;
  } catch (err) {
    display.stop();
    throw new CliError(`${err instanceof Error ? err.message : String(err)} (an interrupted download resumes when the command is run again)`);
  }
}

export function registerConvert(models: Command): void {
  models
    .command('convert')
    .description('Convert a local Hugging Face llama checkpoint (config.json, safetensors, tokenizer.model or tokenizer.json) to a GGUF file llama.cpp can run')
    .argument('<checkpoint>', 'folder with config.json, model.safetensors (or sharded, with model.safetensors.index.json) and the tokenizer; or hf:owner/repo to fetch one from the Hugging Face Hub')
    .requiredOption('--out <file.gguf>', 'where to write the GGUF file')
    .option('--type <type>', `tensor type: ${OUTPUT_TYPES.join(', ')} (norms always stay f32)`, 'f16')
    .option('--force', 'replace --out if it exists')
    .option('--cache-dir <folder>', 'where fetched Hub checkpoints are kept (default: <models folder>/checkpoints)')
    .option('--hf-endpoint <url>', 'Hugging Face endpoint or mirror (default: HF_ENDPOINT or https://huggingface.co)')
    .action(async (source: string, options: ConvertCliOptions) => {
      if (!(OUTPUT_TYPES as readonly string[]).includes(options.type)) {
        throw new CliError(`--type ${options.type} is not supported; use one of ${OUTPUT_TYPES.join(', ')}`, 2);
      }
      const folder = await checkpointFolder(source, options);
      const display = progressDisplay('converting');
      const started = performance.now();
      try {
        const result = convertCheckpoint(folder, options.out, {
          outType: options.type as OutputType,
          overwrite: options.force === true,
          onProgress: (p) => display.update(p.bytesDone, p.bytesTotal, p.tensor, (performance.now() - started) / 1000),
        });
        display.stop();
        const seconds = (performance.now() - started) / 1000;
        console.log(
          `wrote ${result.outPath} (${formatBytes(result.bytesWritten)}, ${result.tensors} tensors, ${options.type}) from ${formatBytes(result.bytesRead)} of weights in ${seconds.toFixed(1)} s`,
        );
      } catch (err) {
        display.stop();
        if (err instanceof CliError) throw err;
        // Converter errors are about the user's files (missing, inconsistent, disk too small).
        throw new CliError(err instanceof Error ? err.message : String(err));
      }
    });
}

interface ConvertProgressDisplay {
  update(done: number, total: number, tensor: string, seconds: number): void;
  stop(): void;
}

/** A cli-progress bar on a terminal; a plain line every 2 s otherwise (logs, CI). */
function progressDisplay(label: string, stream: NodeJS.WriteStream = process.stderr): ConvertProgressDisplay {
  const describe = (done: number, total: number, seconds: number) => {
    const rate = done / Math.max(seconds, 1e-3);
    const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    return `${(done / 1e6).toFixed(0)}/${(total / 1e6).toFixed(0)} MB  ${(rate / 1e6).toFixed(0)} MB/s  ETA ${eta}s`;
  };
  if (stream.isTTY) {
    const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% {status} {tensor}`, stream, hideCursor: true });
    let started = false;
    return {
      update(done, total, tensor, seconds) {
        if (!started) bar.start(total, 0, { status: '', tensor });
        started = true;
        bar.setTotal(total);
        bar.update(done, { status: describe(done, total, seconds), tensor });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = -Infinity;
  return {
    update(done, total, tensor, seconds) {
      if (seconds - last < 2 && done < total) return;
      last = seconds;
      stream.write(`${label} ${describe(done, total, seconds)} ${tensor}\n`);
    },
    stop() {},
  };
}
