/**
 * Turns what the user asked for (an API ProgrammerSpec, or the CLI's flags) into one
 * Programmer per stage. A stage's programmer is named as contract/programmer-ref.ts reads it:
 * `rules[:preset]` runs the rule programmer; anything else names a model and goes to the model
 * runtime.
 */
import type { PoolOptions } from '../remote/endpoint-pool';
import { parseProgrammerRef, type Fidelity, type ProgrammerSpec, type StageSelection } from '../../contract/api';
import type { ProgramSlot, Programmer } from '../prox/programmer';
import { createRuleProgrammer } from '../rules/rule-programmer';
import { parseRuleSpec, RuleSpecError } from '../rules/config';
import { loadModelRuntime, type ModelRuntime, type StageProgrammerOptions } from './model-runtime';
import { EndpointError, parseEndpointRef, type EndpointRef } from '../remote/endpoint';

/** A spec the user can fix: the message says what was wrong and what is accepted. */
export class ProgrammerSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProgrammerSpecError';
  }
}

export interface ResolveOptions {
  /** Where model files live (profiles resolve their model names here); default: the runtime's per-user folder. */
  readonly modelsDir?: string;
  /** Free memory to plan both stages' models against; default: measured when the chunk stage starts. */
  readonly freeMemoryBytes?: number;
  /** Worth telling the user, not worth stopping for (a remote endpoint down at start). */
  readonly onWarning?: (message: string) => void;
  /** How remote endpoints are retried and backed off; default: the pool's (8 tries, backoff up to 30 s). */
  readonly remotePool?: PoolOptions;
}

export type StageProgrammers = Partial<Record<ProgramSlot, Programmer>>;

export function describeSpec(spec: ProgrammerSpec): string {
  switch (spec.type) {
    case 'rules':
      return `rules:${spec.preset}`;
    case 'profile':
      return `profile ${spec.name}${spec.fidelity === 'reference' ? ' (reference fidelity)' : ''}`;
    case 'stages':
      return `${spec.ultrax !== undefined ? `ultrax=${spec.ultrax}` : `doc=${spec.doc ?? '-'} chunk=${spec.chunk ?? '-'}`}${spec.fidelity === 'reference' ? ' (reference fidelity)' : ''}`;
  }
}

/** The built-in profile that runs UltraX (main/models/profiles.ts). */
const ULTRAX_PROFILE = 'ultrax';

/**
 * The fidelity a spec asks of ProX models (profiles prox-*, doc/chunk-stage models); undefined
 * when it states none, is not ProX, or names the rules for every stage (they have no fidelity).
 */
export function proxFidelity(spec: ProgrammerSpec): Fidelity | undefined {
  if (spec.type === 'rules') return undefined;
  if (spec.type === 'profile') return spec.name === ULTRAX_PROFILE ? undefined : spec.fidelity;
  if (spec.ultrax !== undefined) return undefined;
  const models = [spec.doc, spec.chunk].filter((ref): ref is string => ref !== undefined && parseProgrammerRef(ref).type !== 'rules');
  return models.length > 0 ? spec.fidelity : undefined;
}

/**
 * The stages a spec runs for a stage selection. An UltraX programmer writes one whole-document
 * program (stage `ultrax`); the ProX programmers write the doc and chunk stages. A document is
 * refined in one dialect at a time, so a spec names programmers of one dialect only.
 */
export function stagesFor(spec: ProgrammerSpec, selection: StageSelection): ProgramSlot[] {
  const ultrax = (spec.type === 'profile' && spec.name === ULTRAX_PROFILE) || (spec.type === 'stages' && spec.ultrax !== undefined);
  if (spec.type === 'stages' && spec.ultrax !== undefined && (spec.doc !== undefined || spec.chunk !== undefined)) {
    throw new ProgrammerSpecError('give either an UltraX model or doc/chunk-stage programmers, not both: a document is refined in one dialect at a time');
  }
  if (ultrax) {
    if (selection !== 'both' && selection !== 'ultrax') throw new ProgrammerSpecError(`UltraX writes one program per document (stage ultrax); --stage ${selection} is a ProX stage`);
    return ['ultrax'];
  }
  if (selection === 'ultrax') throw new ProgrammerSpecError('the ultrax stage needs an UltraX programmer: --profile ultrax or --ultrax-model <model>');
  return selection === 'both' ? ['doc', 'chunk'] : [selection];
}

/**
 * Both stages' programmers. A chunk-stage model that follows a doc stage loads only when the
 * chunk stage sends its first documents; if the two models do not fit in memory together
 * (memory-plan.ts), the doc-stage programmer is disposed first, so the stages run one after
 * the other. The caller still disposes every programmer (disposing twice is harmless).
 */
export async function resolveProgrammers(spec: ProgrammerSpec, stages: readonly ProgramSlot[], options: ResolveOptions = {}): Promise<StageProgrammers> {
  const created: Programmer[] = [];
  const result: StageProgrammers = {};
  const ultraxOptions = spec.type === 'rules' ? undefined : { ...spec.ultraxOptions, ...(spec.fidelity ? { fidelity: spec.fidelity } : {}) };
  /** Lazy loading for the chunk model when a doc stage runs before it. */
  const proxFidelity = spec.type === 'rules' || spec.fidelity === undefined ? {} : { fidelity: spec.fidelity };
  const stageOptions = (stage: ProgramSlot, runtime: ModelRuntime): StageProgrammerOptions => {
    if (stage === 'ultrax') return { ultrax: ultraxOptions ?? {} };
    if (stage !== 'chunk' || !stages.includes('doc')) return { ...proxFidelity };
    return {
      ...proxFidelity,
      lazy: true,
      beforeStart: async () => {
        const doc = result.doc;
        const chunk = result.chunk;
        if (!doc || !chunk || (await runtime.fitTogether(doc, chunk, options.freeMemoryBytes))) return;
        await doc.dispose();
      },
    };
  };
  try {
    if (spec.type === 'rules') {
      if (stages.includes('ultrax')) throw new ProgrammerSpecError('the rules write ProX programs; the ultrax stage needs an UltraX model');
      const programmer = rules(spec.preset);
      created.push(programmer);
      for (const stage of stages) result[stage] = programmer;
      return result;
    }
    if (spec.type === 'profile') {
      const runtime = await loadModelRuntime();
      for (const stage of stages) {
        const programmer = await runtime.profileProgrammer(spec.name, stage, options.modelsDir, stageOptions(stage, runtime));
        created.push(programmer);
        result[stage] = programmer;
      }
      return result;
    }
    for (const stage of stages) {
      const value = spec[stage];
      if (!value) throw missingProgrammer(stage);
      const ref = parseProgrammerRef(value);
      let programmer: Programmer;
      if (ref.type === 'rules') programmer = rules(ref.preset);
      else if (ref.type === 'server') programmer = await remoteProgrammer(ref.endpoints, stage, options, spec.fidelity);
      else {
        const runtime = await loadModelRuntime();
        programmer = await runtime.modelProgrammer(value, stage, options.modelsDir, stageOptions(stage, runtime));
      }
      created.push(programmer);
      result[stage] = programmer;
    }
    return result;
  } catch (err) {
    await Promise.all(created.map((p) => p.dispose().catch(() => undefined)));
    throw err;
  }
}

/**
 * Checks what can be checked of a spec without loading anything (rule presets and overrides,
 * that each stage has a programmer), so a mistake is reported before any long work starts.
 */
export function checkProgrammerSpec(spec: ProgrammerSpec, stages: readonly ProgramSlot[]): void {
  const checkRules = (preset: string): void => {
    try {
      parseRuleSpec(preset);
    } catch (err) {
      if (err instanceof RuleSpecError) throw new ProgrammerSpecError(`rules preset "${preset}": ${err.message}`);
      throw err;
    }
  };
  if (spec.type === 'rules') checkRules(spec.preset);
  if (spec.type !== 'stages') return;
  for (const stage of stages) {
    const value = spec[stage];
    if (!value) throw missingProgrammer(stage);
    const ref = parseProgrammerRef(value);
    if (ref.type === 'rules') checkRules(ref.preset);
    if (ref.type === 'server') checkEndpoints(ref.endpoints, stage);
  }
}

/** Server addresses are checked for form here; whether they answer, when the stage starts. */
function checkEndpoints(endpoints: string, stage: ProgramSlot): void {
  if (stage === 'ultrax') throw ultraxOnServer(endpoints);
  try {
    endpointRefs(endpoints);
  } catch (err) {
    if (err instanceof EndpointError) throw new ProgrammerSpecError(`openai:${endpoints}: ${err.message}`);
    throw err;
  }
}

function ultraxOnServer(endpoints: string): ProgrammerSpecError {
  return new ProgrammerSpecError(`openai:${endpoints}: servers write the ProX doc and chunk stages; an UltraX model runs in-process (--ultrax-model <gguf | model id>)`);
}

function endpointRefs(endpoints: string): EndpointRef[] {
  const refs = endpoints.split(',').filter((e) => e.trim() !== '').map(parseEndpointRef);
  if (refs.length === 0) throw new EndpointError('no server address after openai:; expected openai:http://host:port[/v1][#model][@concurrency]');
  return refs;
}

async function remoteProgrammer(endpoints: string, stage: ProgramSlot, options: ResolveOptions, fidelity: Fidelity | undefined): Promise<Programmer> {
  if (stage === 'ultrax') throw ultraxOnServer(endpoints);
  const { createRemoteProgrammer, RemoteSetupError } = await import('../remote/remote-programmer');
  try {
    return await createRemoteProgrammer({ stage, endpoints: endpointRefs(endpoints), onWarning: options.onWarning, ...(options.remotePool ? { pool: options.remotePool } : {}), ...(fidelity !== undefined ? { fidelity } : {}) });
  } catch (err) {
    if (err instanceof RemoteSetupError || err instanceof EndpointError) throw new ProgrammerSpecError(`openai:${endpoints}: ${err.message}`);
    throw err;
  }
}

function missingProgrammer(stage: ProgramSlot): ProgrammerSpecError {
  return new ProgrammerSpecError(
    stage === 'ultrax'
      ? 'no UltraX model given: pass --ultrax-model <gguf | model id>, or --profile ultrax'
      : `no programmer given for the ${stage} stage: pass --${stage}-model <gguf or hf: uri | openai:<url> | rules[:preset]>, or choose --stage ${stage === 'doc' ? 'chunk' : 'doc'}`,
  );
}

function rules(preset: string): Programmer {
  try {
    return createRuleProgrammer(preset);
  } catch (err) {
    if (err instanceof RuleSpecError) throw new ProgrammerSpecError(`rules preset "${preset}": ${err.message}`);
    throw err;
  }
}

/** Distinct programmers of a stage map (both stages may share one instance). */
export function distinctProgrammers(programmers: StageProgrammers): Programmer[] {
  return [...new Set(Object.values(programmers).filter((p): p is Programmer => p !== undefined))];
}
