/**
 * The bridge to the model runtime (main/models, node-llama-cpp). Loaded on first use only, so
 * indexing, rules and export never load the native runtime, and a missing or broken runtime
 * becomes one clear error instead of a crash.
 */
import type { Stage } from '../prox/program';
import type { Programmer } from '../prox/programmer';
import { createRuleProgrammer } from '../rules/programmer';

export interface ModelRuntime {
  profileProgrammer(profile: string, stage: Stage, modelsDir: string | undefined): Promise<Programmer>;
  modelProgrammer(model: string, stage: Stage, modelsDir: string | undefined): Promise<Programmer>;
}

export class ModelRuntimeUnavailableError extends Error {
  constructor(detail: string) {
    super(`the model runtime is not installed or cannot load (${detail}); reinstall Refinery, or use --programmer rules[:preset] meanwhile`);
    this.name = 'ModelRuntimeUnavailableError';
  }
}

export async function loadModelRuntime(): Promise<ModelRuntime> {
  let models: typeof import('../models/programmer');
  let profiles: typeof import('../models/profiles');
  let registry: typeof import('../models/registry');
  try {
    [models, profiles, registry] = await Promise.all([import('../models/programmer'), import('../models/profiles'), import('../models/registry')]);
  } catch (err) {
    throw new ModelRuntimeUnavailableError(err instanceof Error ? err.message : String(err));
  }
  const dirOf = (given: string | undefined) => given ?? registry.modelsDir();
  const fromResolved = async (resolved: { type: 'model'; path: string } | { type: 'rules'; preset: string }, stage: Stage): Promise<Programmer> =>
    resolved.type === 'rules' ? createRuleProgrammer(resolved.preset) : models.createModelProgrammer({ stage, modelPath: resolved.path });
  return {
    profileProgrammer: async (profile, stage, modelsDir) => fromResolved(profiles.resolveProfile(profile, dirOf(modelsDir))[stage], stage),
    modelProgrammer: async (model, stage, modelsDir) => fromResolved(profiles.resolveStageSource(model, dirOf(modelsDir)), stage),
  };
}
