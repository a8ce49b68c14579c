/**
 * `refinery program`: writes ProX programs for documents, JSONL in, JSONL out, with any
 * programmer `refine` takes: the rules (`--programmer rules[:…]`, the default), a built-in
 * profile (`--profile`), or a programmer per stage (`--doc-model`, `--chunk-model`: a GGUF, a
 * model id, `openai:<server>` with `--endpoint`, or `rules[:…]`), for `--stage doc|chunk|both`.
 *
 * Each input line is an object with `text` (and usually `id`). Each output line, in input
 * order: `id` (null if none), the 1-based input `line`, the input `text`, `programmer`,
 * `doc_program`, `chunk_program` (one call per line, document-global line numbers; null for a
 * stage that did not run) and `reasons`: `{ doc: string | null, chunk: [{ line, reason }] }`
 * where `line` is the program line a reason explains. Programmers other than the rule preset
 * fast path also write what each stage answered as it came: `doc_output` (the doc stage's raw
 * answer) and `chunk_outputs` (each chunk's document-global 0-based line range and raw
 * answer, or why it was not applied), plus `failed` when the programmer failed on the document.
 * The output feeds `refinery execute` directly. Bad lines are reported on stderr with their
 * line number and skipped. Streams both ways and writes to a temp file renamed into place at
 * the end; models load once per run and answer a batch of documents at a time.
 */
import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DEFAULT_RULE_PRESET, type ProgrammerSpec, type StageSelection } from '../../contract/api';
import type { ParseMode } from '../prox/program';
import type { DocumentInput, Programmer, ProgramSlot, StageProgram } from '../prox/programmer';
import { decideDoc } from '../prox/parse';
import { describeConfig, parseRuleSpec, RULE_PRESETS, RULESET_VERSION, RuleSpecError, type RuleConfig } from '../rules/config';
import { writeRulePrograms } from '../rules/write-programs';
import { checkProgrammerSpec, distinctProgrammers, ProgrammerSpecError, proxFidelity, resolveProgrammers, stagesFor, type StageProgrammers } from '../stage-programmers/resolve';
import { loadModelRuntime } from '../stage-programmers/model-runtime';
import { RateMeter } from '../util/rate-meter';
import { createByteProgress } from './byte-progress';
import { BadLine, badLinePrinter, inputSize, transformJsonl, type JsonlLine } from './jsonl-transform';
import { CliError } from './errors';
import { printable } from './printable';
import { DOCUMENTS_FAILED_EXIT_CODE, specFromFlags, stageOf } from './refine';
import { createProgressDisplay, formatSeconds } from './workspace-options';

export interface ProgramJsonlOptions {
  readonly input: string;
  readonly output: string;
  readonly config: RuleConfig;
  /** The stages written (default both); a stage not written is null in the records. */
  readonly stages?: readonly ('doc' | 'chunk')[];
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

/** One chunk's raw answer: its document-global 0-based line range, inclusive. */
export interface ChunkOutput {
  readonly start_line: number;
  readonly end_line: number;
  /** What the programmer answered for the chunk, as it came (null: the chunk was not sent). */
  readonly output: string | null;
  /** Why the answer is not part of `chunk_program` (not sent: an over-long line; cut off at the token budget). */
  readonly skipped?: string;
}

export interface ProgramRecord {
  readonly id: string | number | null;
  readonly line: number;
  /** The input text, so the record feeds `refinery execute` as it is. */
  readonly text: string;
  readonly programmer: string;
  /** The doc stage's program; null when the stage did not run (`--stage chunk`) or failed. */
  readonly doc_program: string | null;
  /** The chunk stage's program; null when the stage did not run (`--stage doc`, a dropped document) or failed. */
  readonly chunk_program: string | null;
  readonly reasons: { readonly doc: string | null; readonly chunk: readonly { readonly line: number; readonly reason: string }[] };
  /** The doc stage's raw answer (programmers run through the Programmer interface; not the rule fast path). */
  readonly doc_output?: string | null;
  /** The chunk stage's raw answers, chunk by chunk; null when the stage did not run or its programmer answers per document (rules). */
  readonly chunk_outputs?: readonly ChunkOutput[] | null;
  /** Doc stage in probability mode: P(keep). */
  readonly keep_probability?: number;
  /** The programmer failed on this document: which stage, and why. */
  readonly failed?: { readonly stage: ProgramSlot; readonly message: string };
}

/** Reads one input line as a document; throws BadLine saying what to fix. */
export function documentOfLine(raw: string): { id: string | number | null; text: string } {
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
  return { id, text: doc.text };
}

const BOTH: readonly ('doc' | 'chunk')[] = ['doc', 'chunk'];

/** Turns one input line into its rule programmer's record; throws BadLine saying what to fix. */
export function programLine(raw: string, lineNo: number, config: RuleConfig, programmerId: string, stages: readonly ('doc' | 'chunk')[] = BOTH): ProgramRecord {
  const { id, text } = documentOfLine(raw);
  const programs = writeRulePrograms(text, config);
  const doc = stages.includes('doc');
  const chunk = stages.includes('chunk');
  return {
    id,
    line: lineNo,
    text,
    programmer: programmerId,
    doc_program: doc ? programs.doc.program : null,
    chunk_program: chunk ? programs.chunk.program : null,
    reasons: {
      doc: doc ? (programs.doc.notes[0]?.reason ?? null) : null,
      chunk: chunk ? programs.chunk.notes.map((note) => ({ line: note.line, reason: note.reason ?? '' })) : [],
    },
  };
}

export function ruleProgrammerId(config: RuleConfig): string {
  return `rules:${describeConfig(config)}@${RULESET_VERSION}`;
}

/** The rule programmer's fast path: synchronous, one line at a time. */
export async function programJsonl(options: ProgramJsonlOptions): Promise<ProgramSummary> {
  const programmerId = ruleProgrammerId(options.config);
  const stages = options.stages ?? BOTH;
  let dropped = 0;
  let edited = 0;
  const summary = await transformJsonl<ProgramRecord>({
    input: options.input,
    output: options.output,
    map: (raw, lineNo) => programLine(raw, lineNo, options.config, programmerId, stages),
    onRecord: (record) => {
      if (record.doc_program === 'drop_doc()') dropped++;
      else if (record.chunk_program !== null && record.chunk_program !== 'keep_chunk()') edited++;
    },
    onBadLine: options.onBadLine,
    onProgress: options.onProgress,
  });
  return { ...summary, dropped, edited };
}

// ---------------------------------------------------------------- any programmer, in batches

export interface ProgrammersJsonlOptions {
  readonly input: string;
  readonly output: string;
  /** One programmer per stage run (resolveProgrammers); the caller disposes them. */
  readonly programmers: StageProgrammers;
  /** `doc`, `chunk`, or both: with both, the chunk stage sees the documents the doc stage kept. */
  readonly stages: readonly ('doc' | 'chunk')[];
  /** How a doc program is read to decide whether the document goes on to the chunk stage. */
  readonly parseMode?: ParseMode;
  /** Documents per batch handed to the programmers (default 32). */
  readonly batchSize?: number;
  readonly onBadLine?: (line: number, message: string) => void;
  readonly onStatus?: (status: ProgrammersStatus) => void;
}

export interface ProgrammersStatus {
  /** The stage running now, null between batches. */
  readonly stage: ProgramSlot | null;
  /** Records written. */
  readonly documents: number;
  /** Documents each stage has answered, and how many the chunk stage has been given so far. */
  readonly doc: number;
  readonly chunk: number;
  readonly chunkTotal: number;
  /** Documents the UltraX programmer has answered (UltraX runs). */
  readonly ultrax?: number;
  readonly docsPerSecond: number;
  readonly tokensPerSecond: number;
  readonly failed: number;
  readonly bytesRead: number;
}

export interface ProgrammersSummary extends ProgramSummary {
  /** Documents on which a programmer failed: their id (or line) and stage, in order. */
  readonly failures: readonly { readonly where: string; readonly stage: ProgramSlot; readonly message: string }[];
  readonly failed: number;
}

const DEFAULT_BATCH = 32;
const FAILURES_KEPT = 10;

/** A label for the programmers of a run: one id, or each stage's. */
export function programmersLabel(programmers: StageProgrammers, stages: readonly ('doc' | 'chunk')[]): string {
  const ids = stages.map((stage) => programmers[stage]?.info.id ?? '?');
  if (new Set(ids).size === 1) return ids[0]!;
  return stages.map((stage, i) => `${stage}=${ids[i]}`).join(' ');
}

/**
 * Any programmers (models in a worker process, remote servers, rules) through the Programmer
 * interface: documents go in batches, the doc stage answers a batch, the chunk stage answers
 * the documents it kept, and the records are written in input order.
 */
export async function programmersJsonl(options: ProgrammersJsonlOptions): Promise<ProgrammersSummary> {
  const { programmers, stages } = options;
  for (const stage of stages) if (!programmers[stage]) throw new Error(`no programmer for the ${stage} stage`);
  const parseMode = options.parseMode ?? 'strict';
  const label = programmersLabel(programmers, stages);
  const docRate = new RateMeter();
  const tokenRate = new RateMeter();
  let dropped = 0;
  let edited = 0;
  let failed = 0;
  let written = 0;
  let bytesRead = 0;
  const counts = { doc: 0, chunk: 0, chunkTotal: 0 };
  const failures: { where: string; stage: ProgramSlot; message: string }[] = [];
  const status = (stage: 'doc' | 'chunk' | null): void =>
    options.onStatus?.({ stage, documents: written, ...counts, docsPerSecond: docRate.perSecond(), tokensPerSecond: tokenRate.perSecond(), failed, bytesRead });

  const ask = async (stage: 'doc' | 'chunk', docs: readonly DocumentInput[], signal: AbortSignal | undefined): Promise<StageProgram[]> => {
    if (docs.length === 0) return [];
    status(stage);
    let streamed = false;
    const answers = await programmers[stage]!.writePrograms(stage, docs, {
      signal,
      onTokens: (delta) => {
        streamed = true;
        tokenRate.add(delta.promptTokens + delta.generatedTokens);
      },
    });
    if (signal?.aborted) throw signal.reason;
    if (answers.length !== docs.length) throw new Error(`${programmers[stage]!.info.label} returned ${answers.length} programs for ${docs.length} documents`);
    if (!streamed) tokenRate.add(answers.reduce((sum, a) => sum + a.promptTokens + a.generatedTokens, 0));
    counts[stage] += docs.length;
    return answers;
  };

  const mapBatch = async (items: readonly JsonlLine[], signal: AbortSignal | undefined): Promise<Array<ProgramRecord | BadLine>> => {
    const parsed = items.map((item): { id: string | number | null; text: string } | BadLine => {
      try {
        return documentOfLine(item.raw);
      } catch (err) {
        if (err instanceof BadLine) return err;
        throw err;
      }
    });
    // Programmers key results by id; the line number is unique where ids may repeat or be missing.
    const inputs: { index: number; doc: DocumentInput }[] = [];
    parsed.forEach((p, index) => {
      if (!(p instanceof BadLine)) inputs.push({ index, doc: { id: String(items[index]!.lineNo), text: p.text } });
    });
    const docAnswers = new Map<number, StageProgram>();
    const chunkAnswers = new Map<number, StageProgram>();
    let toChunk = inputs;
    if (stages.includes('doc')) {
      const answers = await ask('doc', inputs.map((i) => i.doc), signal);
      inputs.forEach((input, k) => docAnswers.set(input.index, answers[k]!));
      toChunk = inputs.filter((input) => {
        const answer = docAnswers.get(input.index)!;
        return answer.failure === undefined && !decideDoc(answer.program, parseMode).dropped;
      });
    }
    if (stages.includes('chunk')) {
      counts.chunkTotal += toChunk.length;
      const answers = await ask('chunk', toChunk.map((i) => i.doc), signal);
      toChunk.forEach((input, k) => chunkAnswers.set(input.index, answers[k]!));
    }
    const records = parsed.map((p, index): ProgramRecord | BadLine => {
      if (p instanceof BadLine) return p;
      const record = recordOf(p, items[index]!.lineNo, label, stages, docAnswers.get(index), chunkAnswers.get(index));
      if (record.failed) {
        failed++;
        if (failures.length < FAILURES_KEPT) failures.push({ where: p.id === null ? `line ${items[index]!.lineNo}` : printable(String(p.id)), ...record.failed });
      } else if (record.doc_program !== null && decideDoc(record.doc_program, parseMode).dropped) dropped++;
      else if (record.chunk_program !== null && record.chunk_program.trim() !== '' && record.chunk_program.trim() !== 'keep_chunk()') edited++;
      return record;
    });
    docRate.add(inputs.length);
    return records;
  };

  const summary = await transformJsonl<ProgramRecord>({
    input: options.input,
    output: options.output,
    mapBatch,
    batchSize: options.batchSize ?? DEFAULT_BATCH,
    onRecord: () => {
      written++;
    },
    onBadLine: options.onBadLine,
    onProgress: (p) => {
      bytesRead = p.bytesRead;
      status(null);
    },
  });
  return { ...summary, dropped, edited, failed, failures };
}

/** An UltraX programmer's record: the document's merged program and each window's raw reply; feeds `execute --dialect ultrax`. */
export interface UltraxProgramRecord {
  readonly id: string | number | null;
  readonly line: number;
  readonly text: string;
  readonly programmer: string;
  /** The windows' replies merged as UltraX's inference script stores them (null when the programmer failed). */
  readonly model_output: string | null;
  /** Each window's 0-based document line range, inclusive, and its raw reply (null: generation failed, `skipped` says why). */
  readonly ultrax_outputs: readonly ChunkOutput[] | null;
  readonly failed?: { readonly stage: ProgramSlot; readonly message: string };
}

export interface UltraxJsonlOptions {
  readonly input: string;
  readonly output: string;
  readonly programmer: Programmer;
  readonly batchSize?: number;
  readonly onBadLine?: (line: number, message: string) => void;
  readonly onStatus?: (status: ProgrammersStatus) => void;
}

/** An UltraX programmer over JSONL, in batches, records in input order. */
export async function ultraxJsonl(options: UltraxJsonlOptions): Promise<ProgrammersSummary> {
  const { programmer } = options;
  const docRate = new RateMeter();
  const tokenRate = new RateMeter();
  let failed = 0;
  let dropped = 0;
  let edited = 0;
  let written = 0;
  let done = 0;
  let bytesRead = 0;
  const failures: { where: string; stage: ProgramSlot; message: string }[] = [];
  const status = (stage: 'ultrax' | null): void =>
    options.onStatus?.({ stage, documents: written, doc: 0, chunk: 0, chunkTotal: 0, ultrax: done, docsPerSecond: docRate.perSecond(), tokensPerSecond: tokenRate.perSecond(), failed, bytesRead });
  const mapBatch = async (items: readonly JsonlLine[], signal: AbortSignal | undefined): Promise<Array<UltraxProgramRecord | BadLine>> => {
    const parsed = items.map((item): { id: string | number | null; text: string } | BadLine => {
      try {
        return documentOfLine(item.raw);
      } catch (err) {
        if (err instanceof BadLine) return err;
        throw err;
      }
    });
    const inputs: { index: number; doc: DocumentInput }[] = [];
    parsed.forEach((p, index) => {
      if (!(p instanceof BadLine)) inputs.push({ index, doc: { id: String(items[index]!.lineNo), text: p.text } });
    });
    const answers = new Map<number, StageProgram>();
    if (inputs.length > 0) {
      status('ultrax');
      let streamed = false;
      const answered = await programmer.writePrograms('ultrax', inputs.map((i) => i.doc), {
        signal,
        onTokens: (delta) => {
          streamed = true;
          tokenRate.add(delta.promptTokens + delta.generatedTokens);
        },
      });
      if (signal?.aborted) throw signal.reason;
      if (answered.length !== inputs.length) throw new Error(`${programmer.info.label} returned ${answered.length} programs for ${inputs.length} documents`);
      if (!streamed) tokenRate.add(answered.reduce((sum, a) => sum + a.promptTokens + a.generatedTokens, 0));
      inputs.forEach((input, k) => answers.set(input.index, answered[k]!));
      done += inputs.length;
    }
    const records = parsed.map((p, index): UltraxProgramRecord | BadLine => {
      if (p instanceof BadLine) return p;
      const answer = answers.get(index)!;
      const lineNo = items[index]!.lineNo;
      if (answer.failure !== undefined) {
        failed++;
        if (failures.length < FAILURES_KEPT) failures.push({ where: p.id === null ? `line ${lineNo}` : printable(String(p.id)), stage: 'ultrax', message: answer.failure });
        return { id: p.id, line: lineNo, text: p.text, programmer: programmer.info.id, model_output: null, ultrax_outputs: null, failed: { stage: 'ultrax', message: answer.failure } };
      }
      const program = answer.program.trim();
      if (program === 'remove_all()') dropped++;
      else if (program !== 'keep_all()' && program !== '') edited++;
      return {
        id: p.id,
        line: lineNo,
        text: p.text,
        programmer: programmer.info.id,
        model_output: answer.program,
        ultrax_outputs: (answer.chunks ?? []).map((w) => ({ start_line: w.firstLine, end_line: w.lastLine, output: w.skipped !== undefined && w.program === '' ? null : w.program, ...(w.skipped !== undefined ? { skipped: w.skipped } : {}) })),
      };
    });
    docRate.add(inputs.length);
    return records;
  };
  const summary = await transformJsonl<UltraxProgramRecord>({
    input: options.input,
    output: options.output,
    mapBatch,
    batchSize: options.batchSize ?? DEFAULT_BATCH,
    onRecord: () => {
      written++;
    },
    onBadLine: options.onBadLine,
    onProgress: (p) => {
      bytesRead = p.bytesRead;
      status(null);
    },
  });
  return { ...summary, dropped, edited, failed, failures };
}

/** One document's record from its stages' answers (undefined: the stage did not run on it). */
function recordOf(
  doc: { id: string | number | null; text: string },
  lineNo: number,
  programmer: string,
  stages: readonly ('doc' | 'chunk')[],
  docAnswer: StageProgram | undefined,
  chunkAnswer: StageProgram | undefined,
): ProgramRecord {
  const docOk = docAnswer !== undefined && docAnswer.failure === undefined;
  const chunkOk = chunkAnswer !== undefined && chunkAnswer.failure === undefined;
  const failure = docAnswer?.failure !== undefined ? { stage: docAnswer.stage, message: docAnswer.failure } : chunkAnswer?.failure !== undefined ? { stage: chunkAnswer.stage, message: chunkAnswer.failure } : undefined;
  return {
    id: doc.id,
    line: lineNo,
    text: doc.text,
    programmer,
    doc_program: docOk ? docAnswer.program : null,
    chunk_program: chunkOk ? chunkAnswer.program : null,
    reasons: {
      doc: docOk ? (docAnswer.notes[0]?.reason ?? null) : null,
      chunk: chunkOk ? chunkAnswer.notes.map((note) => ({ line: note.line, reason: note.reason ?? '' })) : [],
    },
    ...(stages.includes('doc') ? { doc_output: docOk ? docAnswer.program : null } : {}),
    ...(stages.includes('chunk') ? { chunk_outputs: chunkOk && chunkAnswer.chunks !== undefined ? chunkAnswer.chunks.map(chunkOutput) : null } : {}),
    ...(docAnswer?.keepProbability !== undefined ? { keep_probability: docAnswer.keepProbability } : {}),
    ...(failure ? { failed: failure } : {}),
  };
}

function chunkOutput(chunk: NonNullable<StageProgram['chunks']>[number]): ChunkOutput {
  // A chunk not sent has neither an answer nor an output; a cut-off answer keeps its text in `output`.
  const output = chunk.output ?? (chunk.skipped !== undefined && chunk.program === '' ? null : chunk.program);
  return { start_line: chunk.firstLine, end_line: chunk.lastLine, output, ...(chunk.skipped !== undefined ? { skipped: chunk.skipped } : {}) };
}

// ---------------------------------------------------------------- command line

interface ProgramOptions {
  in: string;
  out: string;
  programmer?: string;
  profile?: string;
  docModel?: string;
  chunkModel?: string;
  endpoint?: string[];
  ultraxModel?: string;
  fidelity?: string;
  maxChars?: string;
  maxNewTokens?: string;
  ultraxInstruction?: string;
  stage: string;
  batchSize: string;
  quiet?: boolean;
}

/**
 * The programmer and stages the flags name, built and checked exactly as `refine` does
 * (refine.ts specFromFlags / stageOf; a mistyped rule or an impossible stage exits 2).
 */
export function programmerFromFlags(options: Omit<ProgramOptions, 'in' | 'out' | 'batchSize' | 'quiet'>): { spec: ProgrammerSpec; stages: ProgramSlot[]; selection: StageSelection } {
  const spec = specFromFlags(options);
  const selection = stageOf(options.stage);
  let stages: ProgramSlot[];
  try {
    stages = stagesFor(spec, selection);
    checkProgrammerSpec(spec, stages);
  } catch (err) {
    if (err instanceof ProgrammerSpecError) throw new CliError(err.message, 2);
    throw err;
  }
  return { spec, stages, selection };
}

/** The ProX stages of a run (none for an UltraX run). */
function proxStages(stages: readonly ProgramSlot[]): ('doc' | 'chunk')[] {
  return stages.filter((s): s is 'doc' | 'chunk' => s === 'doc' || s === 'chunk');
}

/** Non-blank lines of the input, for the progress total (null for stdin). */
async function countDocuments(input: string): Promise<number | null> {
  if (input === '-') return null;
  let count = 0;
  for await (const line of createInterface({ input: createReadStream(input), crlfDelay: Infinity })) if (line.trim().length > 0) count++;
  return count;
}

export function register(program: Command): void {
  program
    .command('program')
    .description('Write ProX programs with any programmer refine takes (rules, a profile, a model or server per stage): JSONL with id + text in, JSONL with doc_program, chunk_program, reasons and the raw model outputs out (feeds `refinery execute`)')
    .requiredOption('--in <file>', 'input JSONL ("-" for stdin), one object with "id" and "text" per line')
    .requiredOption('--out <file>', 'output JSONL ("-" for stdout): id, line, text, programmer, doc_program, chunk_program, reasons (models: doc_output, chunk_outputs)')
    .option('--programmer <rules[:preset]>', `rule programmer: rules[:preset[+preset]][,rule=value|,rule=off] (presets: ${Object.keys(RULE_PRESETS).join(', ')}; default rules:${DEFAULT_RULE_PRESET})`)
    .option('--profile <name>', 'built-in model profile: prox-web | prox-math | ultrax')
    .option('--doc-model <model>', 'doc-stage programmer: GGUF path, model id, openai:<server url>[#model] (llama-server, vLLM, SGLang), or rules[:preset]')
    .option('--chunk-model <model>', 'chunk-stage programmer: GGUF path, model id, openai:<server url>[#model], or rules[:preset]')
    .option('--endpoint <url[#model][@concurrency]>', 'another server for the openai: stages (repeatable); API key from REFINERY_API_KEY', collect, [])
    .option('--ultrax-model <model>', 'UltraX programmer: a model id from the models folder or a GGUF path (records: model_output, ultrax_outputs; run them with execute --dialect ultrax)')
    .option('--fidelity <fidelity>', 'models: improved (default) or reference (the reference pipeline exactly), as for refine')
    .option('--max-chars <n>', 'UltraX: window size in characters (default 48000, as UltraX)')
    .option('--max-new-tokens <n>', 'UltraX: longest answer per window (default 4096, as UltraX)')
    .option('--ultrax-instruction <file>', "UltraX: your copy of UltraX's inference.py (or a text file with its system instruction), when the model file does not carry it")
    .option('--stage <stage>', "doc | chunk | both (both: the chunk stage writes programs for the documents the doc stage kept) | ultrax (both runs an UltraX programmer's one stage)", 'both')
    .option('--batch-size <n>', 'documents handed to the programmers at a time', String(DEFAULT_BATCH))
    .option('-q, --quiet', 'no progress display')
    .addHelpText(
      'after',
      `\nExit codes: 0 every document has its programs; ${DOCUMENTS_FAILED_EXIT_CODE} the output was written, but the programmer failed on some documents\n(listed; their records carry "failed" and null programs); 1 the command could not run; 2 a usage error; 130/143 interrupted (Ctrl-C, SIGTERM; --out is not written).`,
    )
    .action(async (opts: ProgramOptions) => {
      const { spec, stages } = programmerFromFlags({ ...opts, endpoint: opts.endpoint?.length ? opts.endpoint : undefined });
      const batchSize = Number(opts.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new CliError(`--batch-size must be a positive integer, not "${opts.batchSize}"`);
      const total = inputSize(opts.in);
      if (spec.type === 'rules') {
        await programWithRules(opts, parseRuleConfig(spec.preset), proxStages(stages), total);
        return;
      }
      await programWithProgrammers(opts, spec, stages, batchSize);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseRuleConfig(preset: string): RuleConfig {
  try {
    return parseRuleSpec(preset);
  } catch (err) {
    if (err instanceof RuleSpecError) throw new CliError(`rules preset "${preset}": ${err.message}`, 2);
    throw err;
  }
}

async function programWithRules(opts: ProgramOptions, config: RuleConfig, stages: readonly ('doc' | 'chunk')[], total: number): Promise<void> {
  const progress = opts.quiet ? null : createByteProgress('program', total);
  let summary: ProgramSummary;
  try {
    summary = await programJsonl({
      input: opts.in,
      output: opts.out,
      config,
      stages,
      onBadLine: badLinePrinter(opts.in, (line) => (progress ? progress.log(line) : process.stderr.write(`${line}\n`))),
      onProgress: (p) => progress?.update(p),
    });
  } catch (err) {
    progress?.stop();
    if (err instanceof CliError) throw err; // already says what happened (an interrupt: its own exit code)
    throw new CliError(`program failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  progress?.stop();
  const rate = summary.seconds > 0 ? summary.documents / summary.seconds : 0;
  process.stderr.write(
    `programmed ${summary.documents} documents with ${ruleProgrammerId(config)} in ${summary.seconds.toFixed(1)} s (${Math.round(rate)} docs/s): ` +
      `${summary.dropped} drop_doc, ${summary.edited} with line edits` +
      `${summary.badLines > 0 ? `; ${summary.badLines} bad input lines skipped` : ''}\n`,
  );
}

async function programWithProgrammers(opts: ProgramOptions, spec: ProgrammerSpec, stages: ProgramSlot[], batchSize: number): Promise<void> {
  const display = opts.quiet ? null : createProgressDisplay('programming');
  const log = (line: string): void => (display ? display.log(line) : void process.stderr.write(`${line}\n`));
  let programmers: StageProgrammers;
  try {
    // Both stages' models stay loaded for the whole run (batches alternate between them), so the
    // memory check is done once here instead of unloading the doc model when the chunk stage starts.
    programmers = await resolveProgrammers(spec, stages, { freeMemoryBytes: Number.MAX_SAFE_INTEGER, onWarning: log });
  } catch (err) {
    display?.stop();
    if (err instanceof ProgrammerSpecError) throw new CliError(err.message, 2);
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  const all = distinctProgrammers(programmers);
  try {
    await checkMemory(programmers);
    const total = await countDocuments(opts.in);
    const proxRun = proxStages(stages);
    const common = { input: opts.in, output: opts.out, batchSize, onBadLine: badLinePrinter(opts.in, log), onStatus: (s: ProgrammersStatus) => display?.update(s.documents, total ?? s.documents, describeStatus(s, stages, total)) };
    const ultrax = programmers.ultrax;
    const summary = ultrax
      ? await ultraxJsonl({ ...common, programmer: ultrax })
      : await programmersJsonl({ ...common, programmers, stages: proxRun, parseMode: proxFidelity(spec) === 'reference' ? 'reference' : 'strict' });
    const label = ultrax ? ultrax.info.id : programmersLabel(programmers, proxRun);
    const outcome = ultrax ? `${summary.dropped} remove_all, ${summary.edited} with edits` : `${summary.dropped} drop_doc, ${summary.edited} with line edits`;
    display?.stop();
    const rate = summary.seconds > 0 ? summary.documents / summary.seconds : 0;
    process.stderr.write(
      `programmed ${summary.documents} documents with ${label} in ${summary.seconds.toFixed(1)} s (${rate.toFixed(2)} docs/s): ` +
        `${outcome}; ${summary.failed} documents failed` +
        `${summary.badLines > 0 ? `; ${summary.badLines} bad input lines skipped` : ''}\n`,
    );
    if (summary.failed > 0) {
      for (const f of summary.failures) process.stderr.write(`  ${f.where} [${f.stage}]: ${printable(f.message)}\n`);
      if (summary.failed > summary.failures.length) process.stderr.write(`  ... and ${summary.failed - summary.failures.length} more (records with "failed" in ${opts.out})\n`);
      process.exitCode = DOCUMENTS_FAILED_EXIT_CODE;
    }
  } catch (err) {
    display?.stop();
    if (err instanceof CliError) throw err; // already says what happened (an interrupt: its own exit code)
    throw new CliError(`program failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await Promise.all(all.map((p) => p.dispose().catch(() => undefined)));
  }
}

/** Two models that do not fit in memory together cannot alternate batch by batch: say how to run the stages apart. */
async function checkMemory(programmers: StageProgrammers): Promise<void> {
  const { doc, chunk } = programmers;
  if (!doc || !chunk || doc === chunk || doc.info.kind !== 'model' || chunk.info.kind !== 'model') return;
  const runtime = await loadModelRuntime();
  if (await runtime.fitTogether(doc, chunk)) return;
  throw new CliError(
    `the doc-stage model (${doc.info.label}) and the chunk-stage model (${chunk.info.label}) do not fit in memory together, and \`program\` runs both on each batch; ` +
      'run the stages one at a time: `program --stage doc`, `execute` its output, then `program --stage chunk` on the kept documents (or use `refine`, which runs them one after the other)',
  );
}

function describeStatus(s: ProgrammersStatus, stages: readonly ProgramSlot[], total: number | null): string {
  const of = (n: number, t: number | null) => (t === null ? String(n) : `${n}/${t}`);
  const parts = stages.map((stage) =>
    stage === 'doc' ? `doc ${of(s.doc, total)}` : stage === 'chunk' ? `chunk ${of(s.chunk, stages.includes('doc') ? s.chunkTotal : total)}` : `ultrax ${of(s.ultrax ?? 0, total)}`,
  );
  const eta = total === null ? null : s.documents >= total ? 0 : s.docsPerSecond > 0 ? (total - s.documents) / s.docsPerSecond : null;
  return `[${s.stage ?? '-'}] ${parts.join(', ')}; ${s.docsPerSecond.toFixed(1)} docs/s, ${Math.round(s.tokensPerSecond)} tok/s, ETA ${formatSeconds(eta)}, ${s.failed} failed`;
}
