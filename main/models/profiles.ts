/**
 * Refining profiles: which programmer writes each stage's programs. The built-in ones are the
 * released ProX refiners (gair-prox's web/math doc and chunk refining models); a stage may also be run by the rules, and the
 * two stages may mix (rules for the doc stage, a model for the chunk stage).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseProgrammerRef } from '../../contract/programmer-ref';
import type { ProgramSlot } from '../prox/programmer';
import { findModel } from './registry';
import type { Fidelity } from '../../contract/api';

export type StageSource =
  /**
   * A released refining model: its Hugging Face repo (the checkpoint `models install` converts)
   * and the GGUF base name looked for in the models folder; `gguf`, where there is one, is a
   * public repository of GGUF builds of that checkpoint (`<baseName>.<TYPE>.gguf` files), which
   * `models install` downloads instead of converting. `licence`: what its licence asks of users.
   */
  | { readonly type: 'model'; readonly repo: string; readonly baseName: string; readonly parameters: string; readonly gguf?: string; readonly licence?: string }
  | { readonly type: 'rules'; readonly preset: string };

/** A profile names the programmer of each stage it runs: ProX's doc and chunk, or UltraX's one. */
export interface Profile {
  readonly name: string;
  readonly description: string;
  readonly doc?: StageSource;
  readonly chunk?: StageSource;
  readonly ultrax?: StageSource;
}

const model = (repo: string, parameters: string, more: { gguf?: string; licence?: string } = {}): StageSource => ({ type: 'model', repo, baseName: repo.split('/')[1]!, parameters, ...more });

export const PROFILES = {
  'prox-web': {
    name: 'prox-web',
    description: 'ProX refiners for general web text (0.3B doc + 0.3B chunk model)',
    // QuantFactory's llama.cpp builds of gair-prox/web-doc-refining-lm (Q2_K … Q8_0), named <repo-name>.<TYPE>.gguf.
    doc: model('gair-prox/web-doc-refining-lm', '0.3B', { gguf: 'QuantFactory/web-doc-refining-lm-GGUF' }),
    chunk: model('gair-prox/web-chunk-refining-lm', '0.3B'),
  },
  'prox-math': {
    name: 'prox-math',
    description: 'ProX refiners for mathematical web text (0.7B doc + 0.3B chunk model)',
    doc: model('gair-prox/math-doc-refining-lm', '0.7B'),
    chunk: model('gair-prox/math-chunk-refining-lm', '0.3B'),
  },
  ultrax: {
    name: 'ultrax',
    description: 'UltraX refiner (openbmb, 0.6B Qwen3): one whole-document program per document, long documents in sliding windows',
    ultrax: model('openbmb/UltraX-0.6B-Preview', '0.6B', {
      licence: "UltraX's licence forbids redistributing it: Refinery ships none of it and downloads it from openbmb's repository onto this machine only",
    }),
  },
} satisfies Record<string, Profile>;

/** The stages a profile runs, in order. */
export function profileStages(name: string): ProgramSlot[] {
  const profile = (PROFILES as Record<string, Profile | undefined>)[name];
  if (!profile) throw new ProfileError(`unknown profile "${name}"; built-in profiles: ${Object.keys(PROFILES).join(', ')}`);
  return (['doc', 'chunk', 'ultrax'] as const).filter((slot) => profile[slot] !== undefined);
}

/**
 * Preferred file names per model, best first: `<base>.<TYPE>.gguf`, the naming of
 * `refinery models convert` and of the public GGUF conversions (e.g. QuantFactory's).
 */
const QUANT_PREFERENCE: Readonly<Record<Fidelity, readonly string[]>> = {
  // Improved: Q8_0 first (half the memory of F16 and faster on a CPU; outputs barely differ).
  improved: ['Q8_0', 'F16', 'BF16', 'F32', 'Q6_K', 'Q5_K_M', 'Q5_K_S', 'Q4_K_M', 'Q4_K_S', 'Q4_0'],
  // Reference: the 16-bit weights the reference ran (vLLM loads the F32 checkpoints in float16),
  // then F32, and Q8_0 only when nothing finer is there.
  reference: ['F16', 'BF16', 'F32', 'Q8_0', 'Q6_K', 'Q5_K_M', 'Q5_K_S', 'Q4_K_M', 'Q4_K_S', 'Q4_0'],
};

export function expectedFileNames(source: Extract<StageSource, { type: 'model' }>, fidelity: Fidelity = 'improved'): string[] {
  return QUANT_PREFERENCE[fidelity].map((q) => `${source.baseName}.${q}.gguf`);
}

export type ResolvedStage =
  | { readonly type: 'model'; readonly path: string }
  | { readonly type: 'rules'; readonly preset: string };

export interface ResolvedProfile {
  readonly name: string;
  readonly doc?: ResolvedStage;
  readonly chunk?: ResolvedStage;
  readonly ultrax?: ResolvedStage;
}

export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileError';
  }
}

/** A profile's model is not in the models folder: which one, so callers can offer to install it. */
export class MissingModelError extends ProfileError {
  constructor(
    readonly stage: ProgramSlot,
    readonly source: Extract<StageSource, { type: 'model' }>,
    message: string,
  ) {
    super(message);
    this.name = 'MissingModelError';
  }
}

/**
 * The model file (or rules) of each stage of a built-in profile, the file type chosen as the
 * fidelity prefers (QUANT_PREFERENCE); a clear error saying how to add a missing model.
 */
export function resolveProfile(name: string, modelsDir: string, fidelity: Fidelity = 'improved'): ResolvedProfile {
  const profile = (PROFILES as Record<string, Profile | undefined>)[name];
  if (!profile) throw new ProfileError(`unknown profile "${name}"; built-in profiles: ${Object.keys(PROFILES).join(', ')}`);
  const resolved: { -readonly [K in keyof ResolvedProfile]: ResolvedProfile[K] } = { name };
  for (const slot of profileStages(name)) resolved[slot] = resolveSource(profile[slot]!, slot, modelsDir, name, fidelity);
  return resolved;
}

/** The file in `modelsDir` that has a profile's model (the preferred type first), or null. */
export function findProfileModel(source: Extract<StageSource, { type: 'model' }>, modelsDir: string, fidelity: Fidelity = 'improved'): string | null {
  const present = existsSync(modelsDir) ? readdirSync(modelsDir) : [];
  // `models add hf:owner/repo:Q8_0` saves node-llama-cpp's `hf_<owner>_<file>` name: the same model.
  const named = (file: string, name: string): boolean => file === name || (file.startsWith('hf_') && file.endsWith(`_${name}`));
  const preferred = expectedFileNames(source, fidelity)
    .map((name) => present.find((file) => named(file, name)))
    .find((file) => file !== undefined);
  const anyQuant = present.filter((file) => /\.gguf$/i.test(file) && (file.startsWith(`${source.baseName}.`) || (file.startsWith('hf_') && file.includes(`_${source.baseName}.`)))).sort()[0];
  const file = preferred ?? anyQuant;
  return file ? join(modelsDir, file) : null;
}

function resolveSource(source: StageSource, stage: ProgramSlot, modelsDir: string, profileName: string, fidelity: Fidelity): ResolvedStage {
  if (source.type === 'rules') return source;
  const path = findProfileModel(source, modelsDir, fidelity);
  if (path) return { type: 'model', path };
  throw new MissingModelError(
    stage,
    source,
    `the ${stage === 'ultrax' ? 'UltraX' : `${stage}-stage`} model ${source.repo} is not in ${modelsDir} (looked for ${source.baseName}.<TYPE>.gguf, e.g. ${source.baseName}.Q8_0.gguf). ` +
      `Install the ${profileName} profile's models in one step with \`refinery models install ${profileName}\` (or Install on the Models screen), ` +
      `or add this one with \`refinery models add ${source.repo}\` (fetches the Hugging Face checkpoint and converts it)` +
      (source.gguf ? `, \`refinery models add hf:${source.gguf}:Q8_0\` (a ready GGUF build)` : '') +
      `, or convert a local checkpoint with \`refinery models convert <folder with ${source.repo} files>\`, then retry.`,
  );
}

/**
 * One stage's programmer from a user string: `rules` / `rules:<preset>`, a model id from the
 * models folder, or a path to a GGUF file (remote URIs must be added first with `models add`).
 */
export function resolveStageSource(spec: string, modelsDir: string): ResolvedStage {
  const ref = parseProgrammerRef(spec);
  if (ref.type === 'rules') return ref;
  if (ref.type === 'remote') throw new ProfileError(`"${ref.source}" is remote: add it first with \`refinery models add ${ref.source}\`, then refer to it by id.`);
  if (ref.type === 'server') throw new ProfileError(`"${spec}" names inference servers, not a model file; it runs as a remote programmer (--doc-model/--chunk-model openai:<url>)`);
  return { type: 'model', path: findModel(ref.reference, modelsDir) };
}
