/** `refinery export <folder> --out <file>`: cleaned JSONL (.gz/.zst by extension), optional audits. */
import type { Command } from 'commander';
import { ExportError, type Compression } from '../export/writer';
import { exportCompression } from '../workspace/export';
import { CliError, cliErrorOf } from './errors';
import { printable } from './printable';
import { onInterrupt } from './signals';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { addDbOption, createProgressDisplay, formatSeconds, formatSize, formatTiming, megabytes, openWorkspace, shardDatabasePath, shardOption, type DbOptions } from './workspace-options';

interface ExportOptions extends DbOptions {
  out: string;
  compression?: string;
  auditDropped?: boolean;
  auditRemovedLines?: boolean;
  overwrite?: boolean;
  failed?: string;
  shard?: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  addDbOption(
    program
      .command('export')
      .description('write one cleaned JSON object per kept document: id, text and metadata (source, programs, operations, toggles)')
      .argument('<folder>', 'the indexed folder')
      .requiredOption('--out <file>', 'output file; .gz or .zst compresses')
      .option('--compression <kind>', 'none | gzip | zstd (default: from the --out extension; one the extension contradicts is refused)')
      .option('--overwrite', 'replace --out (and its audit files) even when it is not a previous export; without it such a file is left alone and the export refused')
      .option('--audit-dropped', 'also write the dropped documents with the reason beside <out>, named for it: clean.jsonl.zst -> clean.dropped.jsonl.zst')
      .option('--audit-removed-lines', 'also write every removed line and the operation that removed it beside <out>: clean.jsonl.zst -> clean.removed-lines.jsonl.zst')
      .option('--failed <include|hold>', 'documents whose programmer failed: include writes them with metadata.failed (stage: what went wrong), hold leaves them out', 'include')
      .option('--shard <i/N>', 'only the documents of shard i of N (0-based): export a big corpus in parallel parts, from a merged workspace or from that shard\'s own')
      .option('-q, --quiet', 'no progress display'),
  ).action(async (folder: string, options: ExportOptions) => {
    const compression = compressionOf(options);
    try {
      exportCompression({ out: options.out, compression });
    } catch (err) {
      throw new CliError(printable(err instanceof Error ? err.message : String(err)));
    }
    const failed = options.failed ?? 'include';
    if (failed !== 'include' && failed !== 'hold') throw new CliError(`--failed must be include or hold, not "${printable(failed)}"`, 2);
    const shard = shardOption(options.shard);
    // Without --db: the shard's own database when it exists (refine --shard wrote it), else the folder's.
    const db = options.db ?? (shard && existsSync(shardDatabasePath(folder, shard)) ? shardDatabasePath(folder, shard) : undefined);
    const ws = openWorkspace(folder, { db });
    const interrupt = onInterrupt('export');
    const display = options.quiet ? null : createProgressDisplay('exporting');
    const unsubscribe = ws.events.on('export.progress', (p) => display?.update(p.done, p.total, `docs, ${megabytes(p.bytes)} text, ETA ${formatSeconds(p.etaSeconds)}`));
    try {
      if (ws.summary().documents === 0) throw new CliError(`${printable(ws.folder)} has no indexed documents; run "refinery index ${printable(folder)}" first`);
      const result = await ws.export({ out: resolve(options.out), overwrite: options.overwrite ?? false, compression, auditDropped: options.auditDropped ?? false, auditRemovedLines: options.auditRemovedLines ?? false, failed, shard }, interrupt.signal);
      display?.stop();
      const compressed = result.bytes !== result.uncompressedBytes ? ` (${formatSize(result.uncompressedBytes)} uncompressed)` : '';
      process.stdout.write(`exported ${result.documents} documents (${result.dropped} dropped) to ${printable(result.path)}: ${formatSize(result.bytes)}${compressed} ${formatTiming(result.uncompressedBytes, result.seconds)}\n`);
      for (const file of result.auditFiles) process.stdout.write(`audit: ${printable(file)}\n`);
      if (result.failed > 0) {
        process.stdout.write(
          failed === 'hold'
            ? `held back ${result.failed} documents whose programmer failed (--failed include writes them, marked metadata.failed); run refine again to retry them\n`
            : `${result.failed} of them are marked metadata.failed: their programmer failed, so they are not refined as asked (--failed hold leaves them out; run refine again to retry them)\n`,
        );
      }
    } catch (err) {
      display?.stop();
      if (err instanceof ExportError) throw new CliError(`export failed, nothing was written: ${printable(err.message)}`);
      if (interrupt.signal.aborted) throw new CliError(`export interrupted by ${interrupt.received ?? 'a signal'}: nothing was written, and no temp file is left`, interrupt.exitCode);
      if (err instanceof CliError) throw err;
      const error = cliErrorOf(err);
      // A refusal names paths (the folder, --out): escaped like every path this command prints.
      throw error instanceof CliError ? new CliError(printable(error.message), error.exitCode) : error;
    } finally {
      unsubscribe();
      interrupt.dispose();
      await ws.dispose();
    }
  });
}

function compressionOf(options: ExportOptions): Compression | undefined {
  if (options.compression === undefined) return undefined;
  if (options.compression === 'none' || options.compression === 'gzip' || options.compression === 'zstd') return options.compression;
  throw new CliError(`--compression must be none, gzip or zstd, not "${printable(options.compression)}"`);
}
