/**
 * `refinery refine <folder>`: index what changed, then write programs for every document
 * (stage 1) and every kept document's chunks (stage 2). Interrupt it (Ctrl-C, a kill, a
 * crash) and run it again: it continues where it stopped.
 */
import type { Command } from 'commander';
import { DEFAULT_RULE_PRESET, parseProgrammerRef, StageSelectionSchema, type JobStatus, type ProgrammerSpec, type StageSelection } from '../../contract/api';
import { checkProgrammerSpec, ProgrammerSpecError } from '../stage-programmers/resolve';
import { CliError } from './errors';
import { runIndex } from './index';
import { addDbOption, createProgressDisplay, formatSeconds, openWorkspace, type DbOptions } from './workspace-options';

interface RefineOptions extends DbOptions {
  programmer?: string;
  profile?: string;
  docModel?: string;
  chunkModel?: string;
  stage: string;
  batchSize: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  addDbOption(
    program
      .command('refine')
      .description('write a program for every document (doc stage) and every kept chunk (chunk stage); resumable')
      .argument('<folder>', 'the indexed folder (indexed first if needed)')
      .option('--programmer <rules[:preset]>', `rule programmer, e.g. rules, rules:c4+prox-lines, rules:web,-web.repeated (default rules:${DEFAULT_RULE_PRESET})`)
      .option('--profile <name>', 'built-in model profile: prox-web | prox-math')
      .option('--doc-model <model>', 'doc-stage programmer: GGUF path, hf: URI, or rules[:preset]')
      .option('--chunk-model <model>', 'chunk-stage programmer: GGUF path, hf: URI, or rules[:preset]')
      .option('--stage <stage>', 'doc | chunk | both', 'both')
      .option('--batch-size <n>', 'documents per committed batch', '32')
      .option('-q, --quiet', 'no progress display'),
  ).action(async (folder: string, options: RefineOptions) => {
    const spec = specFromFlags(options);
    const stages = stageOf(options.stage);
    // A mistyped rule or preset is reported now, not after the folder was read again.
    try {
      checkProgrammerSpec(spec, stages === 'both' ? ['doc', 'chunk'] : [stages]);
    } catch (err) {
      if (err instanceof ProgrammerSpecError) throw new CliError(err.message, 2);
      throw err;
    }
    const batchSize = Number(options.batchSize);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new CliError(`--batch-size must be a positive integer, not "${options.batchSize}"`);
    const ws = openWorkspace(folder, options);
    const abort = new AbortController();
    const onSignal = () => abort.abort(new Error('interrupted'));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      await runIndex(ws, true);
      const display = options.quiet ? null : createProgressDisplay('refining');
      const final = await ws.refine({ spec, stages, batchSize }, { signal: abort.signal, onStatus: (s) => display?.update(s.done, s.total, describe(s)) });
      display?.stop();
      report(final);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await ws.dispose();
    }
  });
}

function describe(s: JobStatus): string {
  const stages = s.stages.map((x) => `${x.stage} ${x.done}/${x.total}`).join(', ');
  return `[${s.stage ?? '-'}] ${stages}; ${s.docsPerSecond.toFixed(1)} docs/s, ${Math.round(s.tokensPerSecond)} tok/s, ETA ${formatSeconds(s.etaSeconds)}, ${s.errors} errors`;
}

function report(final: JobStatus): void {
  const stages = final.stages.map((x) => `${x.stage} ${x.done}/${x.total}`).join(', ');
  if (final.state === 'failed') throw new CliError(final.message ?? 'refine failed');
  process.stdout.write(`refine ${final.state} (${final.programmer ?? '?'}): ${stages}; ${final.errors} documents failed${final.message ? `; ${final.message}` : ''}\n`);
  if (final.state === 'cancelled') process.exitCode = 130;
}

export function stageOf(value: string): StageSelection {
  const parsed = StageSelectionSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new CliError(`--stage must be ${StageSelectionSchema.options.join(', ')}, not "${value}"`);
}

/** Exactly one way of naming the programmer; none means the rules' default preset. */
export function specFromFlags(options: Pick<RefineOptions, 'programmer' | 'profile' | 'docModel' | 'chunkModel'>): ProgrammerSpec {
  const given = [options.programmer !== undefined, options.profile !== undefined, options.docModel !== undefined || options.chunkModel !== undefined].filter(Boolean).length;
  if (given > 1) throw new CliError('give only one of --programmer, --profile, or --doc-model/--chunk-model');
  if (options.profile !== undefined) return { type: 'profile', name: options.profile };
  if (options.docModel !== undefined || options.chunkModel !== undefined) return { type: 'stages', doc: options.docModel, chunk: options.chunkModel };
  const value = options.programmer ?? 'rules';
  const ref = parseProgrammerRef(value);
  if (ref.type !== 'rules') throw new CliError(`--programmer takes rules or rules:<preset>, not "${value}"; for a model use --doc-model/--chunk-model or --profile`);
  return { type: 'rules', preset: ref.preset };
}
