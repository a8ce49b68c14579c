/**
 * One-step install of a built-in profile's models (`models.installProfile`, `refinery models
 * install`): for every model the profile needs and the models folder lacks, a GGUF build
 * downloaded where the profile names a repository of them (`<baseName>.<TYPE>.gguf`, the best
 * type by the profiles' preference), else the Hugging Face checkpoint fetched and converted to
 * Q8_0 (F16 for fidelity reference). Everything is fetched onto this machine from the model's own repositories (UltraX's
 * licence forbids redistributing it: nothing of it ships with Refinery). Progress reports bytes
 * done and total of the current file, the rate and the time left; a signal cancels, and the
 * next install resumes an interrupted download. A GGUF build gets the base checkpoint's
 * tokenizer settings (legacy, add_bos_token, chat template) written into its metadata
 * (base-tokenizer.ts).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Fidelity, InstallProgress, ProfileInfo } from '../../contract/api';
import { downloadModelFile } from '../../native/llama/download';
import { listRepoFiles } from '../convert/hub-checkpoint';
import { checkDownloadUrl } from '../util/download-url';
import { ConversionCancelledError } from './convert-in-worker';
import { fetchBaseTokenizerSettings, keepTokenizerSettings, noBaseTokenizerNote } from './base-tokenizer';
import { addHubCheckpoint } from './convert-into-folder';
import { PROFILES, ProfileError, expectedFileNames, findProfileModel, profileStages, type Profile, type StageSource } from './profiles';
import { registerModelFile, type RegisteredModel } from './registry';

type ModelSource = Extract<StageSource, { type: 'model' }>;

export interface InstallOptions {
  /** The models folder. */
  readonly dir: string;
  /** Hugging Face endpoint or mirror; default HF_ENDPOINT, else https://huggingface.co. */
  readonly endpoint?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: InstallProgress) => void;
  /**
   * improved (default): Q8_0, the profiles' first choice. reference: the 16-bit weights the
   * reference pipeline ran (an F16/BF16/F32 build, else the checkpoint converted to F16); a Q8_0
   * already there does not count.
   */
  readonly fidelity?: Fidelity;
  /** Least time between two running reports of the same step (ms); default 200. */
  readonly reportEveryMs?: number;
}

export interface InstallResult {
  readonly state: 'done' | 'cancelled';
  /** Models installed by this call (those already there are not repeated). */
  readonly installed: readonly RegisteredModel[];
  readonly profile: ProfileInfo;
}

export class InstallCancelledError extends Error {
  constructor() {
    super('installation cancelled');
    this.name = 'InstallCancelledError';
  }
}

function profileOf(name: string): Profile {
  const profile = (PROFILES as Record<string, Profile | undefined>)[name];
  if (!profile) throw new ProfileError(`unknown profile "${name}"; built-in profiles: ${Object.keys(PROFILES).join(', ')}`);
  return profile;
}

/** Builds of the weights the reference ran (16 or 32 bits), the only ones that count for fidelity reference. */
const WIDE_BUILD = /\.(F16|BF16|F32)\.gguf$/i;

/** The installed file that serves the model at this fidelity, or null. */
function installedFor(source: ModelSource, dir: string, fidelity: Fidelity): string | null {
  const file = findProfileModel(source, dir, fidelity);
  return file !== null && (fidelity === 'improved' || WIDE_BUILD.test(file)) ? file : null;
}

/** A profile's models, where each comes from and which are installed in `dir`. */
export function describeProfile(name: string, dir: string, fidelity: Fidelity = 'improved'): ProfileInfo {
  const profile = profileOf(name);
  const models = profileStages(name).flatMap((stage) => {
    const source = profile[stage];
    if (source?.type !== 'model') return [];
    return [{ stage, repo: source.repo, parameters: source.parameters, gguf: source.gguf ?? null, licence: source.licence ?? null, installed: installedFor(source, dir, fidelity) }];
  });
  return { name, description: profile.description, ready: models.every((m) => m.installed !== null), models, modelsDir: dir };
}

export function describeProfiles(dir: string, fidelity: Fidelity = 'improved'): ProfileInfo[] {
  return Object.keys(PROFILES).map((name) => describeProfile(name, dir, fidelity));
}

/** Bytes per second over the last few seconds, and the time left at that rate. */
class RateMeter {
  private samples: { t: number; bytes: number }[] = [];
  add(bytes: number): { bytesPerSecond: number | null } {
    const t = performance.now();
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - this.samples[0]!.t > 5000) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (t - first.t) / 1000;
    return { bytesPerSecond: seconds >= 0.05 && bytes >= first.bytes ? (bytes - first.bytes) / seconds : null };
  }
}

export async function installProfile(name: string, options: InstallOptions): Promise<InstallResult> {
  const profile = profileOf(name);
  const endpoint = (options.endpoint ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
  const stages = profileStages(name).filter((stage) => profile[stage]?.type === 'model');
  const steps = stages.length;
  const every = options.reportEveryMs ?? 200;
  const fidelity = options.fidelity ?? 'improved';
  const convertTo = fidelity === 'reference' ? 'f16' : 'q8_0';
  const installed: RegisteredModel[] = [];
  let current: InstallProgress | null = null;
  const report = (p: InstallProgress): void => {
    current = p;
    options.onProgress?.(p);
  };
  const checkCancelled = (): void => {
    if (options.signal?.aborted) throw new InstallCancelledError();
  };

  try {
    checkDownloadUrl(endpoint, 'the Hugging Face endpoint');
    for (const [index, stage] of stages.entries()) {
      const source = profile[stage] as ModelSource;
      const step = index + 1;
      const base = { profile: name, state: 'running' as const, step, steps, stage, bytesPerSecond: null, etaSeconds: null, message: null };
      checkCancelled();
      const present = installedFor(source, options.dir, fidelity);
      if (present) {
        report({ ...base, repo: source.repo, action: 'present', file: present, bytes: 0, total: null });
        continue;
      }
      // One reporter per file: throttled, with its own rate.
      const progressOf = (repo: string, action: InstallProgress['action'], file: string) => {
        const meter = new RateMeter();
        let last = -Infinity;
        return (bytes: number, total: number | null): void => {
          const { bytesPerSecond } = meter.add(bytes);
          const now = performance.now();
          const finished = total !== null && bytes >= total;
          if (!finished && now - last < every) return;
          last = now;
          const etaSeconds = total !== null && bytesPerSecond !== null && bytesPerSecond > 0 ? Math.max(0, (total - bytes) / bytesPerSecond) : null;
          report({ ...base, repo, action, file, bytes, total, bytesPerSecond, etaSeconds });
        };
      };
      const gguf = source.gguf !== undefined ? await ggufFile(endpoint, source, fidelity, options.signal) : undefined;
      checkCancelled();
      let model: RegisteredModel;
      let note: string | null = null;
      if (gguf !== undefined) {
        // The build lacks the checkpoint's tokenizer settings (legacy above all): fetched first
        // (a few KB; a failure stops before gigabytes), written into the GGUF once it is here.
        const tokenizer = await fetchBaseTokenizerSettings(endpoint, source.repo, options.signal);
        checkCancelled();
        const url = `${endpoint}/${source.gguf}/resolve/main/${encodeURIComponent(gguf)}`;
        const show = progressOf(source.gguf!, 'download', gguf);
        show(0, null);
        const downloaded = await downloadModelFile({ uri: url, dir: options.dir, fileName: gguf, signal: options.signal, onProgress: ({ bytes, total }) => show(bytes, total) });
        checkCancelled();
        try {
          note = tokenizer !== null ? await keepTokenizerSettings(downloaded.path, tokenizer) : noBaseTokenizerNote(source.repo);
          model = await registerModelFile(downloaded.path);
        } catch (err) {
          await rm(downloaded.path, { force: true });
          throw new Error(`${source.gguf}/${gguf} is not a usable model (${err instanceof Error ? err.message : String(err)}); the file was deleted`);
        }
      } else {
        let fetching: { file: string; show: (bytes: number, total: number | null) => void } | null = null;
        let converting: ((bytes: number, total: number | null) => void) | null = null;
        report({ ...base, repo: source.repo, action: 'fetch-checkpoint', file: null, bytes: 0, total: null });
        model = await addHubCheckpoint(source.repo, {
          dir: options.dir,
          type: convertTo,
          baseName: source.baseName,
          endpoint,
          signal: options.signal,
          // Off the event loop: the app stays responsive, progress shows, Cancel stops it.
          inWorker: true,
          onDownload: ({ file, bytes, total }) => {
            if (fetching?.file !== file) fetching = { file, show: progressOf(source.repo, 'fetch-checkpoint', file) };
            fetching.show(bytes, total);
          },
          onProgress: (p) => {
            converting ??= progressOf(source.repo, 'convert', join(options.dir, `${source.baseName}.${convertTo.toUpperCase()}.gguf`));
            converting(p.bytesDone, p.bytesTotal);
          },
        });
      }
      installed.push(model);
      report({ ...base, repo: source.gguf !== undefined && gguf !== undefined ? source.gguf : source.repo, action: 'installed', file: model.path, bytes: model.bytes, total: model.bytes, message: note });
    }
  } catch (err) {
    const last: InstallProgress = current ?? { profile: name, state: 'running', step: 0, steps, stage: stages[0] ?? 'doc', repo: '', action: 'present', file: null, bytes: 0, total: null, bytesPerSecond: null, etaSeconds: null, message: null };
    if (err instanceof InstallCancelledError || err instanceof ConversionCancelledError || options.signal?.aborted) {
      report({ ...last, state: 'cancelled', bytesPerSecond: null, etaSeconds: null, message: 'a partial download is kept, and the next install resumes it' });
      return { state: 'cancelled', installed, profile: describeProfile(name, options.dir, fidelity) };
    }
    const message = err instanceof Error ? err.message : String(err);
    report({ ...last, state: 'failed', bytesPerSecond: null, etaSeconds: null, message });
    throw err;
  }
  const info = describeProfile(name, options.dir, fidelity);
  const done: InstallProgress = {
    profile: name,
    state: 'done',
    step: steps,
    steps,
    stage: stages.at(-1) ?? 'doc',
    repo: '',
    action: 'installed',
    file: null,
    bytes: 0,
    total: null,
    bytesPerSecond: null,
    etaSeconds: null,
    message: installed.length === 0 ? `every model of ${name} was already installed` : `installed ${installed.map((m) => m.id).join(', ')}`,
  };
  report(done);
  return { state: 'done', installed, profile: info };
}

/**
 * The GGUF build to download from the source's GGUF repository: the first of the profiles'
 * preferred types it has, or undefined (then the checkpoint is converted) when the repository
 * is missing or has none of them. Network errors are thrown: the conversion would need the
 * same network.
 */
async function ggufFile(endpoint: string, source: ModelSource, fidelity: Fidelity, signal?: AbortSignal): Promise<string | undefined> {
  let files: string[];
  try {
    files = await listRepoFiles(endpoint, source.gguf!, 'main', signal);
  } catch (err) {
    if (err instanceof Error && / was not found on /.test(err.message)) return undefined;
    throw err;
  }
  return expectedFileNames(source, fidelity).find((name) => files.includes(name) && (fidelity === 'improved' || WIDE_BUILD.test(name)));
}
