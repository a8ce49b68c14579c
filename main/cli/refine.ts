/**
 * `refinery refine <folder>`: index what changed, then write programs for every document
 * (stage 1) and every kept document's chunks (stage 2). Interrupt it (Ctrl-C, a kill, a
 * crash) and run it again: it continues where it stopped.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { DEFAULT_RULE_PRESET, FidelitySchema, parseProgrammerRef, StageSelectionSchema, type Fidelity, type JobStatus, type ProgrammerSpec, type StageSelection, type UltraxOptions } from '../../contract/api';
import { checkProgrammerSpec, ProgrammerSpecError, stagesFor } from '../stage-programmers/resolve';
import { printable } from './printable';
import { FAILED_DOCUMENTS_MESSAGE } from '../jobs/refine-job';
import type { Workspace } from '../workspace/service';
import { CliError, cliErrorOf } from './errors';
import { runIndex } from './index';
import { addDbOption, createProgressDisplay, formatSeconds, openWorkspace, shardOption, type DbOptions } from './workspace-options';
import { describeShard } from '../shards/shard';
import { onInterrupt, type Interrupt } from './signals';

interface RefineOptions extends DbOptions {
  programmer?: string;
  profile?: string;
  docModel?: string;
  chunkModel?: string;
  ultraxModel?: string;
  fidelity?: string;
  maxChars?: string;
  maxNewTokens?: string;
  ultraxInstruction?: string;
  endpoint?: string[];
  shard?: string;
  stage: string;
  batchSize: string;
  quiet?: boolean;
  retryFailed?: boolean;
  /** commander's --no-retry: false when given. */
  retry?: boolean;
}

export function register(program: Command): void {
  addDbOption(
    program
      .command('refine')
      .description('write a program for every document (doc stage) and every kept chunk (chunk stage), or one UltraX program per document; resumable')
      .argument('<folder>', 'the indexed folder (indexed first if needed)')
      .option('--programmer <rules[:preset]>', `rule programmer, e.g. rules, rules:c4+prox-lines, rules:web,-web.repeated (default rules:${DEFAULT_RULE_PRESET})`)
      .option('--profile <name>', 'built-in model profile: prox-web | prox-math | ultrax')
      .option('--doc-model <model>', 'doc-stage programmer: GGUF path, hf: URI, openai:<server url>[#model] (llama-server, vLLM, SGLang), or rules[:preset]')
      .option('--chunk-model <model>', 'chunk-stage programmer: GGUF path, hf: URI, openai:<server url>[#model], or rules[:preset]')
      .option('--endpoint <url[#model][@concurrency]>', 'another server for the openai: stages (repeatable); API key from REFINERY_API_KEY', collect, [])
      .option('--ultrax-model <model>', 'UltraX programmer: a model id from the models folder or a GGUF path')
      .option('--fidelity <fidelity>', 'models: improved (default: answers constrained to the program space, long prompts keep [/INST], strict parsing) or reference (the reference pipeline exactly, quirks included: GAIR-NLP/ProX for --profile prox-*/--doc-model/--chunk-model, UltraX for UltraX models); see README "Fidelity"')
      .option('--max-chars <n>', 'UltraX: window size in characters (default 48000, as UltraX)')
      .option('--max-new-tokens <n>', 'UltraX: longest answer per window (default 4096, as UltraX)')
      .option('--ultrax-instruction <file>', "UltraX: your copy of UltraX's inference.py (or a text file with its system instruction), when the model file does not carry it")
      .option('--shard <i/N|auto>', 'refine only shard i of N (0-based) into its own database; auto: from SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX + REFINERY_SHARD_COUNT (then: refinery merge)')
      .option('--stage <stage>', 'doc | chunk | both | ultrax (both runs an UltraX programmer\'s one stage)', 'both')
      .option('--batch-size <n>', 'documents per committed batch', '32')
      .option('--retry-failed', 'ask again for documents whose programmer failed in an earlier run (default)')
      .option('--no-retry', 'keep documents failed in an earlier run as they are (they stay failed: Errors filter, stats, export)')
      .option('-q, --quiet', 'no progress display')
      .addHelpText(
        'after',
        `\nExit codes: 0 every document has its programs; ${DOCUMENTS_FAILED_EXIT_CODE} the job finished, but the programmer failed on some documents\n(listed; they stay failed in the Errors filter, stats and export, and the next refine asks again unless --no-retry);\n1 the job could not run; 130/143 interrupted (Ctrl-C, SIGTERM; run it again to continue).`,
      ),
  ).action(async (folder: string, options: RefineOptions) => {
    if (options.retryFailed === true && options.retry === false) throw new CliError('give --retry-failed or --no-retry, not both', 2);
    const spec = specFromFlags(options);
    const stages = stageOf(options.stage);
    // A mistyped rule or preset is reported now, not after the folder was read again.
    try {
      checkProgrammerSpec(spec, stagesFor(spec, stages));
    } catch (err) {
      if (err instanceof ProgrammerSpecError) throw new CliError(err.message, 2);
      throw err;
    }
    const batchSize = Number(options.batchSize);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new CliError(`--batch-size must be a positive integer, not "${options.batchSize}"`);
    const shard = shardOption(options.shard);
    const ws = openWorkspace(folder, { ...options, shard });
    const interrupt = onInterrupt('refine');
    try {
      if (shard) process.stderr.write(`shard ${describeShard(shard)}: ${ws.dbPath}\n`);
      const switched = ws.followFidelity(spec);
      if (switched !== null) process.stderr.write(`--fidelity ${spec.type !== 'rules' ? spec.fidelity : ''}: this workspace now reads programs with the ${switched} parser (review, stats and export follow)\n`);
      await runIndex(ws, true, interrupt);
      const display = options.quiet ? null : createProgressDisplay('refining');
      const final = await ws.refine({ spec, stages, batchSize, retryFailed: options.retry !== false }, { signal: interrupt.signal, onStatus: (s) => display?.update(s.done, s.total, describe(s)) });
      display?.stop();
      report(final, interrupt, ws);
    } catch (err) {
      throw cliErrorOf(err);
    } finally {
      interrupt.dispose();
      await ws.dispose();
    }
  });
}

function describe(s: JobStatus): string {
  const stages = s.stages.map((x) => `${x.stage} ${x.done}/${x.total}`).join(', ');
  const endpoints = (s.endpoints ?? []).map((e) => `${e.url} ${Math.round(e.tokensPerSecond)} tok/s${e.state === 'up' ? '' : ` (${e.state})`}`).join(', ');
  return `[${s.stage ?? '-'}] ${stages}; ${s.docsPerSecond.toFixed(1)} docs/s, ${Math.round(s.tokensPerSecond)} tok/s, ETA ${formatSeconds(s.etaSeconds)}, ${s.errors} errors${endpoints ? `; ${endpoints}` : ''}`;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `refine` exits with this code when the job ran to its end but documents failed (a crashed model, a programmer error). */
export const DOCUMENTS_FAILED_EXIT_CODE = 4;
const FAILURES_LISTED = 10;

function report(final: JobStatus, interrupt: Interrupt, ws: Workspace): void {
  const stages = final.stages.map((x) => `${x.stage} ${x.done}/${x.total}`).join(', ');
  if (final.state === 'failed') throw new CliError(final.message ?? 'refine failed');
  // The count once; the job's message only where it says something else (cancelled, ...).
  const message = final.message !== null && final.message !== FAILED_DOCUMENTS_MESSAGE ? `; ${final.message}` : '';
  process.stdout.write(`refine ${final.state} (${final.programmer ?? '?'}): ${stages}; ${final.errors} documents failed${message}\n`);
  if (final.errors > 0) {
    const failures = ws.refineErrors(FAILURES_LISTED);
    for (const f of failures) process.stdout.write(`  ${printable(f.docId)} [${f.stage}]: ${printable(f.message)}\n`);
    if (final.errors > failures.length) process.stdout.write(`  ... and ${final.errors - failures.length} more (Corpus: Errors filter in the app)\n`);
    process.stdout.write('failed documents stay marked failed (Errors filter, stats, export metadata.failed); run refine again to retry them (--no-retry keeps them)\n');
  }
  if (final.state === 'cancelled') process.exitCode = interrupt.exitCode;
  else if (final.errors > 0) process.exitCode = DOCUMENTS_FAILED_EXIT_CODE;
}

export function fidelityOf(value: string | undefined): Fidelity | undefined {
  if (value === undefined) return undefined;
  const parsed = FidelitySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new CliError(`--fidelity must be ${FidelitySchema.options.join(' or ')}, not "${value}"`);
}

function ultraxOptionsFromFlags(options: Pick<RefineOptions, 'maxChars' | 'maxNewTokens' | 'ultraxInstruction'>): UltraxOptions | undefined {
  const result: { -readonly [K in keyof UltraxOptions]: UltraxOptions[K] } = {};
  const count = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} must be a whole number of at least 1, not "${value}"`);
    return n;
  };
  const maxChars = count('--max-chars', options.maxChars);
  const maxNewTokens = count('--max-new-tokens', options.maxNewTokens);
  if (maxChars !== undefined) result.maxChars = maxChars;
  if (maxNewTokens !== undefined) result.maxNewTokens = maxNewTokens;
  if (options.ultraxInstruction !== undefined) result.instruction = resolve(options.ultraxInstruction);
  return Object.keys(result).length > 0 ? result : undefined;
}

export function stageOf(value: string): StageSelection {
  const parsed = StageSelectionSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new CliError(`--stage must be ${StageSelectionSchema.options.join(', ')}, not "${value}"`);
}

/** Exactly one way of naming the programmer; none means the rules' default preset. */
export function specFromFlags(options: Pick<RefineOptions, 'programmer' | 'profile' | 'docModel' | 'chunkModel' | 'endpoint' | 'ultraxModel' | 'fidelity' | 'maxChars' | 'maxNewTokens' | 'ultraxInstruction'>): ProgrammerSpec {
  const given = [options.programmer !== undefined, options.profile !== undefined, options.docModel !== undefined || options.chunkModel !== undefined, options.ultraxModel !== undefined].filter(Boolean).length;
  if (given > 1) throw new CliError('give only one of --programmer, --profile, --doc-model/--chunk-model, or --ultrax-model');
  const ultraxOptions = ultraxOptionsFromFlags(options);
  const fidelity = fidelityOf(options.fidelity);
  const ultrax = options.ultraxModel !== undefined || options.profile === 'ultrax';
  if (ultraxOptions !== undefined && !ultrax) throw new CliError('--max-chars, --max-new-tokens and --ultrax-instruction apply to UltraX models (--profile ultrax or --ultrax-model)');
  if (fidelity !== undefined && options.profile === undefined && options.docModel === undefined && options.chunkModel === undefined && !ultrax) {
    throw new CliError('--fidelity applies to models (--profile, --doc-model/--chunk-model or --ultrax-model); the rules have no reference pipeline to follow');
  }
  const endpoints = options.endpoint ?? [];
  const withEndpoints = (ref: string | undefined) => (ref !== undefined && parseProgrammerRef(ref).type === 'server' && endpoints.length > 0 ? [ref, ...endpoints].join(',') : ref);
  if (endpoints.length > 0 && ![options.docModel, options.chunkModel].some((ref) => ref !== undefined && parseProgrammerRef(ref).type === 'server')) {
    throw new CliError('--endpoint adds servers to an openai: stage; give --doc-model or --chunk-model openai:<url> too');
  }
  const extra = { ...(fidelity ? { fidelity } : {}), ...(ultraxOptions ? { ultraxOptions } : {}) };
  if (options.profile !== undefined) return { type: 'profile', name: options.profile, ...extra };
  if (options.ultraxModel !== undefined) return { type: 'stages', ultrax: options.ultraxModel, ...extra };
  if (options.docModel !== undefined || options.chunkModel !== undefined) return { type: 'stages', doc: withEndpoints(options.docModel), chunk: withEndpoints(options.chunkModel), ...(fidelity ? { fidelity } : {}) };
  const value = options.programmer ?? 'rules';
  const ref = parseProgrammerRef(value);
  if (ref.type !== 'rules') throw new CliError(`--programmer takes rules or rules:<preset>, not "${value}"; for a model use --doc-model/--chunk-model or --profile`);
  return { type: 'rules', preset: ref.preset };
}
