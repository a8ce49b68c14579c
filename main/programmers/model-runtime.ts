/**
 * The bridge to the model runtime (main/models). Kept in one place so the rest of the
 * workspace does not depend on node-llama-cpp being installed or working.
 */
import type { Stage } from '../prox/program';
import type { Programmer } from '../prox/programmer';

export interface ModelRuntime {
  profileProgrammer(profile: string, stage: Stage, modelsDir: string): Promise<Programmer>;
  modelProgrammer(model: string, stage: Stage, modelsDir: string): Promise<Programmer>;
}

export class ModelRuntimeUnavailableError extends Error {
  constructor(detail: string) {
    super(`the model runtime is not installed or not available (${detail}); use --programmer rules[:preset] meanwhile`);
    this.name = 'ModelRuntimeUnavailableError';
  }
}

export async function loadModelRuntime(): Promise<ModelRuntime> {
  throw new ModelRuntimeUnavailableError('model programmers are not wired in yet');
}
