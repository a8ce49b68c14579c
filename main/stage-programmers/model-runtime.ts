/**
 * The bridge to the model runtime (main/models, node-llama-cpp). Loaded on first use only, so
 * indexing, rules and export never load the native runtime, and a missing or broken runtime
 * becomes one clear error instead of a crash.
 */
import type { ProgramSlot, Programmer } from '../prox/programmer';
import { createRuleProgrammer } from '../rules/rule-programmer';
import type { UltraxOptions } from '../models/ultrax-model';
import type { Fidelity } from '../../contract/api';

export interface StageProgrammerOptions {
  /** Start the model on the first request instead of now. */
  readonly lazy?: boolean;
  /** Awaited once before the model is loaded. */
  readonly beforeStart?: () => Promise<void>;
  /** The UltraX stage's settings (fidelity, window size, instruction file). */
  readonly ultrax?: UltraxOptions;
  /** ProX stages: improved (default) or reference; reference also prefers a profile's 16-bit files. */
  readonly fidelity?: Fidelity;
}

export interface ModelRuntime {
  profileProgrammer(profile: string, stage: ProgramSlot, modelsDir: string | undefined, options?: StageProgrammerOptions): Promise<Programmer>;
  modelProgrammer(model: string, stage: ProgramSlot, modelsDir: string | undefined, options?: StageProgrammerOptions): Promise<Programmer>;
  /**
   * Whether the models behind two programmers fit in memory at once (memory-plan.ts
   * stagesFitTogether); rule programmers take no model memory. `freeBytes` replaces the free memory measured (tests, callers that know better).
   */
  fitTogether(a: Programmer, b: Programmer, freeBytes?: number): Promise<boolean>;
}

export class ModelRuntimeUnavailableError extends Error {
  constructor(detail: string) {
    super(`the model runtime is not installed or cannot load (${detail}); reinstall Refinery, or use --programmer rules[:preset] meanwhile`);
    this.name = 'ModelRuntimeUnavailableError';
  }
}

/** The model file behind each model programmer made here (for the memory plan of two stages). */
const modelPaths = new WeakMap<Programmer, string>();

export async function loadModelRuntime(): Promise<ModelRuntime> {
  let models: typeof import('../models/model-programmer');
  let profiles: typeof import('../models/profiles');
  let registry: typeof import('../models/registry');
  let memory: typeof import('../models/memory-plan');
  let check: typeof import('../models/gguf-check');
  let ultrax: typeof import('../models/ultrax-model');
  try {
    [models, profiles, registry, memory, check, ultrax] = await Promise.all([
      import('../models/model-programmer'),
      import('../models/profiles'),
      import('../models/registry'),
      import('../models/memory-plan'),
      import('../models/gguf-check'),
      import('../models/ultrax-model'),
    ]);
  } catch (err) {
    throw new ModelRuntimeUnavailableError(err instanceof Error ? err.message : String(err));
  }
  const dirOf = (given: string | undefined) => given ?? registry.modelsDir();
  const fromResolved = async (resolved: { type: 'model'; path: string } | { type: 'rules'; preset: string }, stage: ProgramSlot, modelsDir: string, options: StageProgrammerOptions = {}): Promise<Programmer> => {
    if (resolved.type === 'rules') {
      if (stage === 'ultrax') throw new Error('the rules write ProX programs; the UltraX stage needs an UltraX model');
      return createRuleProgrammer(resolved.preset);
    }
    const programmer = await models.createModelProgrammer({
      stage,
      modelPath: resolved.path,
      start: options.lazy ? 'on-first-use' : 'now',
      beforeStart: options.beforeStart,
      ...(stage !== 'ultrax' && options.fidelity !== undefined ? { fidelity: options.fidelity } : {}),
      ...(stage === 'ultrax' ? { ultrax: ultrax.ultraxSettingsFor(resolved.path, options.ultrax, modelsDir) } : {}),
    });
    modelPaths.set(programmer, resolved.path);
    return programmer;
  };
  return {
    profileProgrammer: async (profile, stage, modelsDir, options) => {
      const resolved = profiles.resolveProfile(profile, dirOf(modelsDir), stage === 'ultrax' ? 'improved' : (options?.fidelity ?? 'improved'))[stage];
      if (!resolved) throw new profiles.ProfileError(`profile "${profile}" has no ${stage} stage (it runs ${profiles.profileStages(profile).join(', ')})`);
      return fromResolved(resolved, stage, dirOf(modelsDir), options);
    },
    modelProgrammer: async (model, stage, modelsDir, options) => fromResolved(profiles.resolveStageSource(model, dirOf(modelsDir)), stage, dirOf(modelsDir), options),
    fitTogether: async (a, b, freeBytes) => {
      const paths = [modelPaths.get(a), modelPaths.get(b)];
      if (paths.some((p) => p === undefined) || a === b) return true;
      const summaries = await Promise.all(paths.map((p) => check.checkModelFile(p!)));
      const shapes = summaries.map((s) => ({ weightBytes: s.weightBytes, shape: s.shape }));
      return memory.stagesFitTogether(shapes, null, undefined, freeBytes);
    },
  };
}
