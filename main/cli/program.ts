/**
 * `refinery program`: writes the rule programmer's programs for documents, JSONL in, JSONL out.
 *
 * Each input line is an object with `text` (and usually `id`). Each output line, in input
 * order: `id` (null if none), the 1-based input `line`, the input `text`, `programmer` (its id, with the ruleset
 * version), `doc_program`, `chunk_program` (one call per line, document-global line numbers)
 * and `reasons`: `{ doc: string | null, chunk: [{ line, reason }] }` where `line` is the
 * chunk program line a reason explains. The output feeds `refinery execute` directly.
 * Bad lines are reported on stderr with their line number and skipped. Streams both ways and
 * writes to a temp file renamed into place at the end.
 */
import type { Command } from 'commander';
import { DEFAULT_RULE_PRESET, parseProgrammerRef } from '../../contract/programmer-ref';
import { describeConfig, parseRuleSpec, RULE_PRESETS, RULESET_VERSION, RuleSpecError, type RuleConfig } from '../rules/config';
import { writeRulePrograms } from '../rules/write-programs';
import { createByteProgress } from './byte-progress';
import { BadLine, badLinePrinter, inputSize, transformJsonl } from './jsonl-transform';
import { CliError } from './errors';

export interface ProgramJsonlOptions {
  readonly input: string;
  readonly output: string;
  readonly config: RuleConfig;
  readonly onBadLine?: (line: number, message: string) => void;
  readonly onProgress?: (progress: ProgramProgress) => void;
}

export interface ProgramProgress {
  readonly documents: number;
  readonly bytesRead: number;
}

export interface ProgramSummary {
  readonly documents: number;
  readonly dropped: number;
  readonly edited: number;
  readonly badLines: number;
  readonly bytesRead: number;
  readonly seconds: number;
}

export interface ProgramRecord {
  readonly id: string | number | null;
  readonly line: number;
  /** The input text, so the record feeds `refinery execute` as it is. */
  readonly text: string;
  readonly programmer: string;
  readonly doc_program: string;
  readonly chunk_program: string;
  readonly reasons: { readonly doc: string | null; readonly chunk: readonly { readonly line: number; readonly reason: string }[] };
}

/** Turns one input line into its output record; throws BadLine saying what to fix. */
export function programLine(raw: string, lineNo: number, config: RuleConfig, programmerId: string): ProgramRecord {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new BadLine(`not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadLine('expected a JSON object with "id" and "text" fields');
  const doc = value as Record<string, unknown>;
  if (typeof doc.text !== 'string') throw new BadLine(`field "text" is ${doc.text === undefined ? 'missing' : 'not a string'}`);
  const id = typeof doc.id === 'string' || typeof doc.id === 'number' ? doc.id : null;
  const programs = writeRulePrograms(doc.text, config);
  return {
    id,
    line: lineNo,
    text: doc.text,
    programmer: programmerId,
    doc_program: programs.doc.program,
    chunk_program: programs.chunk.program,
    reasons: {
      doc: programs.doc.notes[0]?.reason ?? null,
      chunk: programs.chunk.notes.map((note) => ({ line: note.line, reason: note.reason ?? '' })),
    },
  };
}

export function ruleProgrammerId(config: RuleConfig): string {
  return `rules:${describeConfig(config)}@${RULESET_VERSION}`;
}

export async function programJsonl(options: ProgramJsonlOptions): Promise<ProgramSummary> {
  const programmerId = ruleProgrammerId(options.config);
  let dropped = 0;
  let edited = 0;
  const summary = await transformJsonl<ProgramRecord>({
    input: options.input,
    output: options.output,
    map: (raw, lineNo) => programLine(raw, lineNo, options.config, programmerId),
    onRecord: (record) => {
      if (record.doc_program === 'drop_doc()') dropped++;
      else if (record.chunk_program !== 'keep_chunk()') edited++;
    },
    onBadLine: options.onBadLine,
    onProgress: options.onProgress,
  });
  return { ...summary, dropped, edited };
}

// ---------------------------------------------------------------- command line

/** `rules` or `rules:<spec>`; anything else is a user error naming what is accepted. */
export function parseProgrammerOption(value: string): RuleConfig {
  const ref = parseProgrammerRef(value);
  if (ref.type !== 'rules') {
    throw new CliError(
      `--programmer ${value}: this command writes rule programs; use rules or rules:<preset>[+<preset>][,<rule>=<value>] (presets: ${Object.keys(RULE_PRESETS).join(', ')}); models run through \`refinery refine\``,
    );
  }
  try {
    return parseRuleSpec(ref.preset);
  } catch (err) {
    if (err instanceof RuleSpecError) throw new CliError(`--programmer: ${err.message}`);
    throw err;
  }
}

export function register(program: Command): void {
  program
    .command('program')
    .description('Write ProX programs with the rule programmer: JSONL with id + text in, JSONL with doc_program, chunk_program and reasons out (feeds `refinery execute`)')
    .requiredOption('--in <file>', 'input JSONL ("-" for stdin), one object with "id" and "text" per line')
    .requiredOption('--out <file>', 'output JSONL ("-" for stdout): id, line, text, programmer, doc_program, chunk_program, reasons')
    .option('--programmer <spec>', `rules[:preset[+preset]][,rule=value|,rule=off] (presets: ${Object.keys(RULE_PRESETS).join(', ')})`, `rules:${DEFAULT_RULE_PRESET}`)
    .action(async (opts: { in: string; out: string; programmer: string }) => {
      const config = parseProgrammerOption(opts.programmer);
      const total = inputSize(opts.in);
      const progress = createByteProgress('program', total);
      let summary: ProgramSummary;
      try {
        summary = await programJsonl({
          input: opts.in,
          output: opts.out,
          config,
          onBadLine: badLinePrinter(opts.in, (line) => progress.log(line)),
          onProgress: (p) => progress.update(p),
        });
      } catch (err) {
        progress.stop();
        if (err instanceof CliError) throw err; // already says what happened (an interrupt: its own exit code)
        throw new CliError(`program failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      progress.stop();
      const rate = summary.seconds > 0 ? summary.documents / summary.seconds : 0;
      process.stderr.write(
        `programmed ${summary.documents} documents with ${ruleProgrammerId(config)} in ${summary.seconds.toFixed(1)} s (${Math.round(rate)} docs/s): ` +
          `${summary.dropped} drop_doc, ${summary.edited} with line edits` +
          `${summary.badLines > 0 ? `; ${summary.badLines} bad input lines skipped` : ''}\n`,
      );
    });
}
