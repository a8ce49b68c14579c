/** `refinery index <folder>`: read a folder into its workspace index (only what changed). */
import type { Command } from 'commander';
import { CorpusError } from '../corpus/errors';
import type { Workspace } from '../workspace/service';
import { CliError } from './errors';
import { addDbOption, createProgressDisplay, formatIssue, formatSeconds, megabytes, openWorkspace, type DbOptions } from './workspace-options';

interface IndexOptions extends DbOptions {
  textField?: string;
  idField?: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  addDbOption(
    program
      .command('index')
      .description('index a folder of documents (txt, md, jsonl[.gz|.zst], json, parquet); re-indexing reads only changed files')
      .argument('<folder>', 'folder (or single file) to index')
      .option('--text-field <name>', 'field holding the text in JSON records (dotted paths allowed)', 'text')
      .option('--id-field <name>', 'field holding the document id in JSON records', 'id')
      .option('-q, --quiet', 'print only the summary and scan errors'),
  ).action(async (folder: string, options: IndexOptions) => {
    const ws = openWorkspace(folder, options);
    try {
      await runIndex(ws, options.quiet ?? false);
    } finally {
      await ws.dispose();
    }
  });
}

export async function runIndex(ws: Workspace, quiet: boolean): Promise<void> {
  const display = quiet ? null : createProgressDisplay('indexing');
  const out = process.stdout;
  try {
    const result = await ws.index({
      onIssue: (issue) => (display ? display.log(formatIssue(issue)) : process.stderr.write(`${formatIssue(issue)}\n`)),
      onProgress: (p) => display?.update(p.filesDone, p.filesTotal, `files, ${megabytes(p.bytesDone)}/${megabytes(p.bytesTotal)}, ${p.documents} docs, ${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s, ETA ${formatSeconds(p.etaSeconds)}, ${p.errors} errors`),
    });
    display?.stop();
    const summary = ws.summary();
    const rate = result.seconds > 0 ? result.bytesRead / result.seconds / 1e6 : 0;
    out.write(
      `indexed ${summary.folder}: ${summary.documents} documents in ${summary.sources} files ` +
        `(read ${result.filesRead}, unchanged ${result.filesUnchanged}, removed ${result.filesRemoved}; ` +
        `${megabytes(result.bytesRead)} in ${result.seconds.toFixed(1)}s, ${rate.toFixed(1)} MB/s)\n`,
    );
    if (result.skipped.unsupported > 0) out.write(`skipped ${result.skipped.unsupported} files of unsupported types (${result.skipped.unsupportedExtensions.join(', ')})\n`);
    out.write(`${summary.scanErrors} scan errors${summary.scanErrors > 0 ? ' (listed above for files read now)' : ''}\n`);
    out.write(`database: ${summary.dbPath}\n`);
  } catch (err) {
    display?.stop();
    if (err instanceof CorpusError) throw new CliError(err.message);
    throw err;
  }
}
