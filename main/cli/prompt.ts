/**
 * `refinery prompt --dialect <dialect>`: shows exactly what a model would be given for each
 * document, without running it, so prompts can be audited. Records in (JSONL or parquet), one
 * JSON line per document out, in input order: `id`, the input `line` (JSONL) or `row`
 * (parquet), and `prompts`.
 *
 * Dialects plug in through PROMPT_DIALECTS: each names the columns it reads, its options, and
 * turns one record into its prompts.
 * - ultrax: the document's sliding windows as UltraX's inference script cuts them, each
 *   `{start_line, end_line, overlap_start, text}` with 1-indexed lines and `text` the user
 *   message (`<lid:N>`-marked lines); a blank document has no prompts (UltraX sends none).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { pyStrip } from '../prox/words';
import { DEFAULT_MAX_CHARS, DEFAULT_OVERLAP_RATIO, splitWindows } from '../ultrax';
import { createByteProgress } from './byte-progress';
import { CliError } from './errors';
import { documentText, recordId } from './execute-ultrax';
import { badLinePrinter, inputSize, transformRecords } from './jsonl-transform';
import { isParquet, openRecordInput } from './record-input';

export interface PromptOptions {
  readonly maxChars: number;
  readonly overlapRatio: number;
}

interface PromptDialect {
  /** The parquet columns it reads. */
  readonly columns: readonly string[];
  readonly prompts: (record: Record<string, unknown>, options: PromptOptions) => unknown[];
}

export const PROMPT_DIALECTS: Readonly<Record<string, PromptDialect>> = {
  ultrax: {
    columns: ['id', 'text', 'original'],
    prompts: (record, options) => {
      const text = documentText(record);
      if (pyStrip(text) === '') return [];
      return splitWindows(text, options.maxChars, options.overlapRatio).map((w) => ({ start_line: w.startLine, end_line: w.endLine, overlap_start: w.overlapStart, text: w.text }));
    },
  },
};

export interface PromptRecordsOptions extends PromptOptions {
  readonly dialect: string;
  readonly input: string;
  readonly output: string;
  readonly onBadLine?: (position: number, message: string) => void;
  readonly onProgress?: (progress: { documents: number; bytesRead: number }) => void;
}

export async function writePrompts(options: PromptRecordsOptions): Promise<{ documents: number; prompts: number; badLines: number; seconds: number }> {
  const dialect = PROMPT_DIALECTS[options.dialect];
  if (dialect === undefined) throw new CliError(`unknown --dialect ${options.dialect} (known: ${Object.keys(PROMPT_DIALECTS).join(', ')})`);
  const input = openRecordInput(options.input, dialect.columns);
  let prompts = 0;
  const summary = await transformRecords({
    records: input.records,
    readFailed: input.readFailed,
    bytesRead: input.bytesRead,
    output: options.output,
    position: (item) => item.position,
    map: (item) => {
      const record = item.value();
      return { id: recordId(record.id), [input.positionName]: item.position, prompts: dialect.prompts(record, options) };
    },
    onRecord: (record) => (prompts += record.prompts.length),
    onBadLine: options.onBadLine,
    onProgress: options.onProgress,
  });
  return { documents: summary.documents, prompts, badLines: summary.badLines, seconds: summary.seconds };
}

export function register(program: Command): void {
  program
    .command('prompt')
    .description('Write the prompts a model would be given for each document, without running it (audit)')
    .addOption(new Option('--dialect <dialect>', 'program dialect whose prompts to write').choices(Object.keys(PROMPT_DIALECTS)).makeOptionMandatory())
    .requiredOption('--in <file>', 'input documents: JSONL ("-" for stdin) or .parquet, with text (or original) and id')
    .requiredOption('--out <file>', 'output JSONL ("-" for stdout): id, line/row, prompts')
    .option('--max-chars <n>', `ultrax: window size in characters (default ${DEFAULT_MAX_CHARS}, UltraX's own)`, (value) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('--max-chars needs a whole number of at least 1.');
      return n;
    })
    .option('--overlap <ratio>', `ultrax: window overlap ratio (default ${DEFAULT_OVERLAP_RATIO})`, (value) => {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError('--overlap needs a number from 0 up to (not including) 1.');
      return n;
    })
    .action(async (opts: { dialect: string; in: string; out: string; maxChars?: number; overlap?: number }) => {
      const progress = createByteProgress('prompt', inputSize(opts.in));
      let summary;
      try {
        summary = await writePrompts({
          dialect: opts.dialect,
          input: opts.in,
          output: opts.out,
          maxChars: opts.maxChars ?? DEFAULT_MAX_CHARS,
          overlapRatio: opts.overlap ?? DEFAULT_OVERLAP_RATIO,
          onBadLine: badLinePrinter(opts.in, (line) => progress.log(line), isParquet(opts.in) ? 'row' : 'line'),
          onProgress: (p) => progress.update(p),
        });
      } catch (err) {
        progress.stop();
        if (err instanceof CliError) throw err;
        throw new CliError(`prompt failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      progress.stop();
      process.stderr.write(
        `wrote the prompts of ${summary.documents} documents (${summary.prompts} prompts) in ${summary.seconds.toFixed(1)} s` +
          `${summary.badLines > 0 ? `; ${summary.badLines} bad input records skipped` : ''}\n`,
      );
    });
}
