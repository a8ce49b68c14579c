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
 * - prox: the prompts of one ProX stage (`--stage doc|chunk`) as the model programmer builds
 *   them (main/prox/stage-prompts.ts, the same code), with the model's tokenizer
 *   (`--tokenizer`, a .gguf or tokenizer.model): each `{start_line, end_line, text, tokens}`
 *   with document-global 0-based lines, the prompt text and the token ids the model is given,
 *   plus `truncated`, and `skipped` (no tokens) for a chunk the model is not given.
 *   `--truncation reference` builds them as GAIR-NLP/ProX does (and `refine --fidelity
 *   reference` runs them): the doc prompt cut at 2,000 tokens, two BOS on chunk prompts (when
 *   add_bos_token), over-long lines sent uncut (skipped when longer than the context).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { pyStrip } from '../prox/words';
import { DEFAULT_MAX_CHARS, DEFAULT_OVERLAP_RATIO, splitWindows } from '../ultrax';
import { createByteProgress } from './byte-progress';
import { CliError } from './errors';
import { documentText, recordId } from './execute-ultrax';
import { badLinePrinter, inputSize, transformRecords } from './jsonl-transform';
import { isParquet, openRecordInput } from './record-input';
import { loadPromptTokenizer } from '../models/prompt-tokenizer';
import type { Stage } from '../prox/program';
import { DEFAULT_CONTEXT_SIZE, type PromptTruncation } from '../prox/prompts';
import { promptText, stagePromptOptions, stagePrompts } from '../prox/stage-prompts';
import type { Tokenizer } from '../prox/tokens';

export interface PromptOptions {
  readonly maxChars: number;
  readonly overlapRatio: number;
  /** prox: the stage, how prompts are fitted, and the model's tokenizer (loaded by writePrompts). */
  readonly stage?: Stage;
  readonly truncation?: PromptTruncation;
  readonly tokenizer?: Tokenizer;
}

interface PromptDialect {
  /** The parquet columns it reads. */
  readonly columns: readonly string[];
  /** Whether it needs the model's tokenizer (`--tokenizer`). */
  readonly needsTokenizer?: boolean;
  readonly prompts: (record: Record<string, unknown>, options: PromptOptions) => unknown[];
}

export interface ProxPromptRecord {
  readonly start_line: number;
  readonly end_line: number;
  readonly text: string;
  readonly tokens: number[];
  readonly truncated: boolean;
  readonly skipped?: string;
}

/** The ProX prompts of one document, exactly as the model programmer builds them. */
export function proxPrompts(text: string, stage: Stage, truncation: PromptTruncation, tokenizer: Tokenizer): ProxPromptRecord[] {
  const prompts = stagePrompts(stage, text, tokenizer, stagePromptOptions(truncation, DEFAULT_CONTEXT_SIZE));
  return prompts.map((p) => ({
    start_line: p.firstLine,
    end_line: p.lastLine,
    text: p.skipped === undefined ? promptText(tokenizer, p.tokens) : '',
    tokens: p.tokens,
    truncated: p.truncated,
    ...(p.skipped !== undefined ? { skipped: p.skipped } : {}),
  }));
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
  prox: {
    columns: ['id', 'text', 'original'],
    needsTokenizer: true,
    prompts: (record, options) => {
      if (options.tokenizer === undefined || options.stage === undefined) throw new CliError('--dialect prox needs --stage doc|chunk and --tokenizer <tokenizer.model|.gguf>');
      const text = documentText(record);
      // The reference gives an empty document no chunks; the doc stage still prompts it.
      return proxPrompts(text, options.stage, options.truncation ?? 'keep-inst', options.tokenizer);
    },
  },
};

export interface PromptRecordsOptions extends Omit<PromptOptions, 'tokenizer'> {
  readonly dialect: string;
  /** The model's tokenizer file for dialects that need one (a .gguf, or a tokenizer.model). */
  readonly tokenizerPath?: string;
  readonly input: string;
  readonly output: string;
  readonly onBadLine?: (position: number, message: string) => void;
  readonly onProgress?: (progress: { documents: number; bytesRead: number }) => void;
}

export async function writePrompts(options: PromptRecordsOptions): Promise<{ documents: number; prompts: number; badLines: number; seconds: number }> {
  const dialect = PROMPT_DIALECTS[options.dialect];
  if (dialect === undefined) throw new CliError(`unknown --dialect ${options.dialect} (known: ${Object.keys(PROMPT_DIALECTS).join(', ')})`);
  if (dialect.needsTokenizer === true) {
    if (options.tokenizerPath === undefined) throw new CliError(`--dialect ${options.dialect} needs --tokenizer <tokenizer.model|.gguf>: the model's tokenizer decides the token ids`, 2);
    if (options.stage === undefined) throw new CliError(`--dialect ${options.dialect} needs --stage doc|chunk`, 2);
    let loaded;
    try {
      loaded = await loadPromptTokenizer(options.tokenizerPath);
    } catch (err) {
      throw new CliError(`--tokenizer ${options.tokenizerPath}: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      return await writeDialectPrompts(dialect, { ...options, tokenizer: loaded.tokenizer });
    } finally {
      await loaded.dispose();
    }
  }
  return writeDialectPrompts(dialect, options);
}

async function writeDialectPrompts(dialect: PromptDialect, options: PromptRecordsOptions & { tokenizer?: Tokenizer }): Promise<{ documents: number; prompts: number; badLines: number; seconds: number }> {
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
      return { id: recordId(record.id), [input.positionName]: item.position, ...(dialect.needsTokenizer === true ? { stage: options.stage } : {}), prompts: dialect.prompts(record, options) };
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
    .requiredOption('--out <file>', 'output JSONL ("-" for stdout): id, line/row, (prox) stage, prompts')
    .addOption(new Option('--stage <stage>', 'prox: the stage whose prompts to write').choices(['doc', 'chunk']))
    .addOption(new Option('--truncation <mode>', 'prox: keep-inst (default, as refine: the document is shortened so [/INST] and the answer fit) or reference (GAIR-NLP/ProX, as refine --fidelity reference: doc prompt cut at 2,000 tokens, two BOS on chunk prompts, over-long lines sent when they fit the context)').choices(['keep-inst', 'reference']))
    .option('--tokenizer <file>', "prox: the model's tokenizer, a .gguf or a tokenizer.model (its tokenizer_config.json beside it gives legacy and add_bos_token)")
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
    .action(async (opts: { dialect: string; in: string; out: string; maxChars?: number; overlap?: number; stage?: Stage; truncation?: PromptTruncation; tokenizer?: string }) => {
      const progress = createByteProgress('prompt', inputSize(opts.in));
      let summary;
      try {
        summary = await writePrompts({
          dialect: opts.dialect,
          input: opts.in,
          output: opts.out,
          maxChars: opts.maxChars ?? DEFAULT_MAX_CHARS,
          overlapRatio: opts.overlap ?? DEFAULT_OVERLAP_RATIO,
          ...(opts.stage !== undefined ? { stage: opts.stage } : {}),
          ...(opts.truncation !== undefined ? { truncation: opts.truncation } : {}),
          ...(opts.tokenizer !== undefined ? { tokenizerPath: opts.tokenizer } : {}),
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
