/**
 * `refinery models list | add | info`: the models folder and the runtime that runs the models.
 * (`models convert` is in models-convert.ts.)
 */
import type { Command } from 'commander';
import { basename } from 'node:path';
import { isRemoteModelSource } from '../../contract/programmer-ref';
import { addModel, describeModel, findModel, listModels, modelsDir, type RegisteredModel } from '../models/registry';
import { PROFILES, ProfileError, profileStages, resolveProfile } from '../models/profiles';
import { checkModelFile, ModelFileError } from '../models/gguf-check';
import { createModelProgrammer } from '../models/model-programmer';
import { loadRuntime } from '../../native/llama/runtime';
import { addHubCheckpoint, checkpointRepoFor, parseOutputType } from '../models/convert-into-folder';
import type { OutputType } from '../convert/llama-gguf';
import { CliError } from './errors';
import { createProgressDisplay, formatSeconds } from './workspace-options';

interface DirOption {
  modelsDir?: string;
}

const dirOption = (command: Command): Command =>
  command.option('--models-dir <folder>', 'models folder (default: REFINERY_MODELS_DIR, else the per-user data folder)');

function folder(options: DirOption): string {
  return modelsDir({ dir: options.modelsDir });
}

function size(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

function params(n: number | null): string {
  if (n === null) return '?';
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)}B` : `${(n / 1e6).toFixed(0)}M`;
}

function modelLine(m: RegisteredModel): string {
  const facts = m.problem ? `UNUSABLE: ${m.problem}` : `${m.architecture} ${params(m.parameters)} ${m.quantization}, ${size(m.bytes)}${m.sha256 ? `, sha256 ${m.sha256.slice(0, 12)}` : ''}`;
  return `${m.id.padEnd(36)} ${facts}`;
}

export function registerModelsList(models: Command): void {
  dirOption(models.command('list').description('List the GGUF models in the models folder and which profiles they complete')).action(async (options: DirOption) => {
    const dir = folder(options);
    const found = await listModels(dir);
    console.log(`models folder: ${dir}`);
    if (found.length === 0) {
      console.log(`  (no models yet: install a profile's with \`refinery models install <${Object.keys(PROFILES).join(' | ')}>\`, or add one with \`refinery models add <path | hf:owner/repo[:quant] | URL>\`)`);
    }
    for (const m of found) console.log(`  ${modelLine(m)}`);
    for (const name of Object.keys(PROFILES)) {
      try {
        const profile = resolveProfile(name, dir);
        const stages = profileStages(name).map((stage) => {
          const s = profile[stage]!;
          return `${stage} ${s.type === 'model' ? basename(s.path) : `rules:${s.preset}`}`;
        });
        console.log(`profile ${name}: ready (${stages.join(', ')})`);
      } catch (err) {
        if (!(err instanceof ProfileError)) throw err;
        console.log(`profile ${name}: incomplete — ${err.message}`);
      }
    }
  });
}

interface AddOptions extends DirOption {
  sha256?: string;
  hfEndpoint?: string;
  quant?: string;
  force?: boolean;
}

export function registerModelsAdd(models: Command): void {
  dirOption(
    models
      .command('add')
      .description('Add a GGUF model to the models folder: a local path, hf:owner/repo[:quant], hf:owner/repo/file.gguf or an http(s) URL (downloads resume where they stopped)')
      .argument('<source>', 'path, hf: URI or URL')
      .option('--sha256 <hex>', 'expected sha256 of the file; a mismatch deletes it')
      .option('--hf-endpoint <url>', 'Hugging Face endpoint or mirror (default: HF_ENDPOINT, else https://huggingface.co/)')
      .option('--quant <type>', 'for a Hub repository without GGUF files (owner/repo, or hf:owner/repo): fetch its checkpoint and convert it to this type (f32, f16, q8_0; default q8_0), saved as <repo>.<TYPE>.gguf')
      .option('--force', 'replace a converted model that is already in the folder'),
  ).action(async (source: string, options: AddOptions) => {
    const dir = folder(options);
    const repo = await checkpointRepoFor(source, { endpoint: options.hfEndpoint }).catch((err: unknown) => {
      throw new CliError(`could not add ${source}: ${err instanceof Error ? err.message : String(err)}`);
    });
    if (repo !== undefined) return addByConversion(repo, dir, options);
    if (options.quant !== undefined) throw new CliError(`--quant applies to Hub repositories converted from their checkpoint (owner/repo or hf:owner/repo); for ${source} pick the file instead (hf:owner/repo:Q8_0 or a path)`, 2);
    const display = createProgressDisplay(isRemoteModelSource(source) ? 'download' : 'copy');
    const started = performance.now();
    try {
      const added = await addModel(source, {
        dir,
        sha256: options.sha256,
        huggingFaceEndpoint: options.hfEndpoint,
        onProgress: ({ bytes, total }) => {
          const seconds = (performance.now() - started) / 1000;
          const rate = bytes / Math.max(seconds, 1e-3);
          const eta = total ? (total - bytes) / Math.max(rate, 1) : null;
          display.update(Math.round(bytes / 1e6), Math.round((total ?? bytes) / 1e6), `MB  ${(rate / 1e6).toFixed(1)} MB/s  ETA ${formatSeconds(eta)}`);
        },
      });
      display.stop();
      console.log(`added ${modelLine(added)}`);
      console.log(`  ${added.path}`);
      if (added.note !== null) console.log(`  ${added.note}`);
    } catch (err) {
      display.stop();
      if (err instanceof ModelFileError) throw new CliError(err.message);
      throw new CliError(`could not add ${source}: ${err instanceof Error ? err.message : String(err)}${isRemoteModelSource(source) ? ' (a partial download is kept; run the same command again to resume)' : ''}`);
    }
  });
}

/** A Hub repository with no GGUF files: fetch its safetensors checkpoint, convert it, register the result. */
async function addByConversion(repo: string, dir: string, options: AddOptions): Promise<void> {
  let type: OutputType;
  try {
    type = parseOutputType(options.quant ?? 'q8_0');
  } catch (err) {
    throw new CliError(`--quant: ${(err as Error).message}`, 2);
  }
  let display = createProgressDisplay('download');
  let converting = false;
  let started = performance.now();
  const show = (done: number, total: number) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = done / Math.max(seconds, 1e-3);
    const eta = total > done ? (total - done) / Math.max(rate, 1) : 0;
    display.update(Math.round(done / 1e6), Math.round(total / 1e6), `MB  ${(rate / 1e6).toFixed(1)} MB/s  ETA ${formatSeconds(eta)}`);
  };
  console.log(`${repo} has no GGUF file: fetching its checkpoint and converting it to ${type}`);
  try {
    const added = await addHubCheckpoint(repo, {
      dir,
      type,
      endpoint: options.hfEndpoint,
      overwrite: options.force === true,
      onDownload: ({ bytes, total }) => show(bytes, total ?? bytes),
      onProgress: (p) => {
        if (!converting) {
          display.stop();
          display = createProgressDisplay('convert');
          started = performance.now();
          converting = true;
        }
        show(p.bytesDone, p.bytesTotal);
      },
    });
    display.stop();
    console.log(`added ${modelLine(added)}`);
    console.log(`  ${added.path}`);
  } catch (err) {
    display.stop();
    throw new CliError(`could not add ${repo}: ${err instanceof Error ? err.message : String(err)} (downloaded checkpoint files are kept; run the same command again to resume)`);
  }
}

interface InfoOptions extends DirOption {
  gpu: boolean;
  load?: boolean;
}

export function registerModelsInfo(models: Command): void {
  dirOption(
    models
      .command('info')
      .description('Show the inference runtime (backend, GPU, VRAM) and, for a model, its shape; --load loads it to report layers offloaded and sequences')
      .argument('[model]', 'model id in the models folder, or a path to a GGUF file')
      .option('--no-gpu', 'use the CPU even when a GPU is available')
      .option('--load', 'load the model in a worker process and report what the load did'),
  ).action(async (model: string | undefined, options: InfoOptions) => {
    const runtime = await loadRuntime(options.gpu ? 'auto' : false);
    const r = runtime.info;
    console.log(`backend: ${r.backend}${r.device ? ` (${r.device})` : ''}${r.vramBytes !== null ? `, VRAM ${size(r.vramBytes)} (${size(r.vramFreeBytes ?? 0)} free)` : ''}, CPU threads ${r.defaultThreads} of ${r.mathCores} cores`);
    if (r.note) console.log(`note: ${r.note}`);
    console.log(`models folder: ${folder(options)}`);
    if (!model) return;
    let path: string;
    try {
      path = findModel(model, folder(options));
      const summary = await checkModelFile(path);
      const s = summary.shape;
      const described = await describeModel(path);
      console.log(`model: ${path}`);
      console.log(`  ${summary.architecture} "${summary.name ?? '?'}", ${params(summary.parameters)} parameters, ${summary.quantization}, ${size(summary.bytes)}`);
      console.log(`  layers ${s.layers}, hidden ${s.embedding}, heads ${s.heads} (KV ${s.kvHeads}), FFN ${s.feedForward}, vocab ${s.vocabulary}, trained context ${s.contextLength}`);
      if (described.sha256) console.log(`  sha256 ${described.sha256}`);
    } catch (err) {
      if (err instanceof ModelFileError) throw new CliError(err.message);
      throw err;
    }
    if (!options.load) return;
    const programmer = await createModelProgrammer({ stage: 'doc', modelPath: path, gpu: options.gpu ? 'auto' : false });
    try {
      const ready = programmer.runtime();
      console.log(`loaded: ${ready.model.gpuLayers}/${ready.model.layers} layers on the GPU, context ${ready.engine.contextSize} x ${ready.engine.sequences} sequences, batch ${ready.engine.batchSize}, ${ready.engine.threads} CPU threads, flash attention ${ready.engine.flashAttention ? 'on' : 'off'}`);
    } finally {
      await programmer.dispose();
    }
  });
}

interface InstallOptions extends DirOption {
  hfEndpoint?: string;
  fidelity?: string;
}

const ACTION_LABEL = { present: 'present', download: 'download', 'fetch-checkpoint': 'fetch', convert: 'convert', installed: 'installed' } as const;

export function registerModelsInstall(models: Command): void {
  dirOption(
    models
      .command('install')
      .description(
        `Install every model a built-in profile needs (${Object.keys(PROFILES).join(', ')}): a GGUF build where the profile names one, else the Hugging Face checkpoint fetched and converted to Q8_0; models already there are kept, an interrupted download resumes`,
      )
      .argument('<profile>', 'profile name')
      .option('--hf-endpoint <url>', 'Hugging Face endpoint or mirror (default: HF_ENDPOINT, else https://huggingface.co/)')
      .option('--fidelity <fidelity>', 'improved (default: Q8_0) or reference (the 16-bit weights the reference pipeline ran: an F16 build, or the checkpoint converted to F16)'),
  ).action(async (name: string, options: InstallOptions) => {
    const fidelity = options.fidelity ?? 'improved';
    if (fidelity !== 'improved' && fidelity !== 'reference') throw new CliError(`--fidelity must be improved or reference, got "${fidelity}"`, 2);
    if (!Object.prototype.hasOwnProperty.call(PROFILES, name)) throw new CliError(`unknown profile "${name}"; built-in profiles: ${Object.keys(PROFILES).join(', ')}`, 2);
    const dir = folder(options);
    const { installProfile, describeProfile } = await import('../models/install-profile');
    for (const m of describeProfile(name, dir, fidelity).models) {
      console.log(`${name} ${m.stage}: ${m.repo} (${m.parameters}) ${m.installed ? `installed: ${basename(m.installed)}` : m.gguf ? `from the GGUF builds in ${m.gguf}` : `from its checkpoint, converted to ${fidelity === 'reference' ? 'F16' : 'Q8_0'}`}`);
      if (m.licence && !m.installed) console.log(`  licence: ${m.licence}`);
    }
    let display: ReturnType<typeof createProgressDisplay> | null = null;
    let shown = '';
    const controller = new AbortController();
    const onSignal = (): void => controller.abort();
    process.once('SIGINT', onSignal);
    try {
      const result = await installProfile(name, {
        dir,
        endpoint: options.hfEndpoint,
        fidelity,
        signal: controller.signal,
        onProgress: (p) => {
          const key = `${p.step}/${p.action}/${p.file ?? ''}`;
          if (p.state !== 'running' || p.action === 'installed' || p.action === 'present') {
            display?.stop();
            display = null;
            shown = '';
            if (p.state === 'running') console.log(`[${p.step}/${p.steps}] ${p.stage}: ${p.action === 'present' ? 'already installed' : 'installed'} ${p.file ?? ''}`);
            if (p.state === 'running' && p.message !== null) console.log(`  ${p.message}`);
            return;
          }
          if (key !== shown) {
            display?.stop();
            display = createProgressDisplay(`[${p.step}/${p.steps}] ${ACTION_LABEL[p.action]} ${p.file ?? p.repo}`);
            shown = key;
          }
          const rate = p.bytesPerSecond !== null ? `${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s` : '… MB/s';
          display!.update(Math.round(p.bytes / 1e6), Math.round((p.total ?? p.bytes) / 1e6), `MB  ${rate}  ETA ${formatSeconds(p.etaSeconds)}`);
        },
      });
      if (result.state === 'cancelled') throw new CliError(`installing ${name} was interrupted; run the same command again to go on (a partial download is kept)`, 130);
      console.log(`profile ${name}: ready (${result.profile.models.map((m) => `${m.stage} ${basename(m.installed ?? '?')}`).join(', ')})`);
    } catch (err) {
      (display as ReturnType<typeof createProgressDisplay> | null)?.stop();
      if (err instanceof CliError) throw err;
      throw new CliError(`could not install the models of ${name}: ${err instanceof Error ? err.message : String(err)} (what was downloaded is kept; run the same command again to go on)`);
    } finally {
      process.off('SIGINT', onSignal);
    }
  });
}
