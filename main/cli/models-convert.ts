/** `refinery models convert <checkpoint-folder> --out <file.gguf> [--type f32|f16|q8_0]` */
import type { Command } from 'commander';
import { convertCheckpoint } from '../convert/convert-checkpoint';
import { formatBytes } from '../convert/disk-space';
import { OUTPUT_TYPES, type OutputType } from '../convert/llama-gguf';
import { CliError } from './errors';
import { createProgressDisplay, formatSeconds } from './workspace-options';

interface ConvertCliOptions {
  out: string;
  type: string;
  force?: boolean;
}

export function registerConvert(models: Command): void {
  models
    .command('convert')
    .description('Convert a local Hugging Face llama checkpoint (config.json, safetensors, tokenizer.model or tokenizer.json) to a GGUF file llama.cpp can run')
    .argument('<checkpoint-folder>', 'folder with config.json, model.safetensors (or sharded, with model.safetensors.index.json) and the tokenizer')
    .requiredOption('--out <file.gguf>', 'where to write the GGUF file')
    .option('--type <type>', `tensor type: ${OUTPUT_TYPES.join(', ')} (norms always stay f32)`, 'f16')
    .option('--force', 'replace --out if it exists')
    .action((folder: string, options: ConvertCliOptions) => {
      if (!(OUTPUT_TYPES as readonly string[]).includes(options.type)) {
        throw new CliError(`--type ${options.type} is not supported; use one of ${OUTPUT_TYPES.join(', ')}`, 2);
      }
      const display = createProgressDisplay('converting');
      const started = performance.now();
      try {
        const result = convertCheckpoint(folder, options.out, {
          outType: options.type as OutputType,
          overwrite: options.force === true,
          onProgress: (p) => {
            const seconds = (performance.now() - started) / 1000;
            const rate = p.bytesDone / Math.max(seconds, 1e-3);
            const eta = rate > 0 ? (p.bytesTotal - p.bytesDone) / rate : null;
            display.update(
              Math.round(p.bytesDone / 1e6),
              Math.round(p.bytesTotal / 1e6),
              `MB  ${(rate / 1e6).toFixed(0)} MB/s  ETA ${formatSeconds(eta)}  ${p.tensor}`,
            );
          },
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
