/** `refinery index <folder>`: read a folder into its workspace index (only what changed). */
import type { Command } from 'commander';
import { renamedIdsWarning } from '../../contract/renamed-ids';
import { CorpusError } from '../corpus/errors';
import type { Workspace } from '../workspace/service';
import { CliError, cliErrorOf } from './errors';
import { printable } from './printable';
import { onInterrupt, type Interrupt } from './signals';
import { addDbOption, createProgressDisplay, formatIssue, formatSeconds, formatSize, formatTiming, megabytes, openWorkspace, type DbOptions } from './workspace-options';

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
      .option('-q, --quiet', 'print only the summary and scan errors')
      .addHelpText(
        'after',
        `\nExit codes: 0 indexed without problems; ${SCAN_ERRORS_EXIT_CODE} indexed, but the folder has scan errors (bad input or unreadable files,\nlisted above; every readable document was indexed, and unreadable files are read again next time); 1 could not index.`,
      ),
  ).action(async (folder: string, options: IndexOptions) => {
    const ws = openWorkspace(folder, options);
    const interrupt = onInterrupt('indexing');
    try {
      const { scanErrors } = await runIndex(ws, options.quiet ?? false, interrupt);
      if (scanErrors > 0) process.exitCode = SCAN_ERRORS_EXIT_CODE;
    } catch (err) {
      throw cliErrorOf(err);
    } finally {
      interrupt.dispose();
      await ws.dispose();
    }
  });
}

/**
 * `index` exits with this code when the workspace holds scan errors after the scan: the scan
 * finished (bad input never stops it), but a script must not take the folder as clean.
 */
export const SCAN_ERRORS_EXIT_CODE = 3;

/** Indexes what changed and prints the summary; returns the scan errors the workspace now holds. */
export async function runIndex(ws: Workspace, quiet: boolean, interrupt?: Interrupt): Promise<{ scanErrors: number }> {
  const display = quiet ? null : createProgressDisplay('indexing');
  const out = process.stdout;
  try {
    const result = await ws.index({
      signal: interrupt?.signal,
      onIssue: (issue) => (display ? display.log(formatIssue(issue)) : process.stderr.write(`${formatIssue(issue)}\n`)),
      onProgress: (p) => display?.update(p.filesDone, p.filesTotal, `files, ${megabytes(p.bytesDone)}/${megabytes(p.bytesTotal)}, ${p.documents} docs, ${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s, ETA ${formatSeconds(p.etaSeconds)}, ${p.errors} errors`),
    });
    display?.stop();
    const summary = ws.summary();
    out.write(
      `indexed ${printable(summary.folder)}: ${summary.documents} documents in ${summary.sources} files ` +
        `(read ${result.filesRead}, unchanged ${result.filesUnchanged}, removed ${result.filesRemoved}; ` +
        `${formatSize(result.bytesRead)} ${formatTiming(result.bytesRead, result.seconds)})\n`,
    );
    if (result.skipped.excluded > 0) out.write(`skipped ${result.skipped.excluded} files this workspace exported into the folder (not corpus input)\n`);
    if (result.skipped.unsupported > 0) out.write(`skipped ${result.skipped.unsupported} files of unsupported types (${result.skipped.unsupportedExtensions.join(', ')})\n`);
    reportScanErrors(ws, summary.scanErrors, result.errors);
    if (result.idsRenamed > 0 && result.firstRenamed) out.write(`${renamedIdsWarning({ count: result.idsRenamed, first: result.firstRenamed }, printable)}\n`);
    if (result.filesIncomplete > 0) out.write(`${result.filesIncomplete} ${result.filesIncomplete === 1 ? 'file was' : 'files were'} not read to the end (see the scan errors above); the next index or refine reads ${result.filesIncomplete === 1 ? 'it' : 'them'} again\n`);
    out.write(`database: ${printable(summary.dbPath)}\n`);
    return { scanErrors: summary.scanErrors };
  } catch (err) {
    display?.stop();
    if (interrupt?.signal.aborted) throw new CliError(`indexing interrupted by ${interrupt.received ?? 'a signal'}: the files read so far are kept; run the command again to read the rest`, interrupt.exitCode);
    if (err instanceof CorpusError) throw new CliError(err.message);
    throw err;
  }
}

const EARLIER_ERRORS_SHOWN = 10;

/**
 * The scan errors the workspace holds. Those found in this pass were printed as they came; the
 * others belong to files unchanged since they were read, and are shown here (the first few)
 * so the count never points at a list that is not there.
 */
function reportScanErrors(ws: Workspace, total: number, foundNow: number): void {
  const out = process.stdout;
  if (total === 0) return void out.write('0 scan errors\n');
  if (foundNow >= total) return void out.write(`${total} scan errors (listed above)\n`);
  const earlier = total - foundNow;
  out.write(`${total} scan errors: ${foundNow > 0 ? `${foundNow} found now (listed above), ` : ''}${earlier} recorded when unchanged files were read${earlier > EARLIER_ERRORS_SHOWN ? ` (the first ${EARLIER_ERRORS_SHOWN}; all of them: Problems in the app)` : ''}:\n`);
  // This pass wrote its errors anew (after deleting the old ones of what it read), so the
  // earlier ones are the first rows in insertion order.
  for (const error of ws.scanErrors(0, Math.min(earlier, EARLIER_ERRORS_SHOWN)).rows) out.write(`  ${formatIssue(error)}\n`);
}
