/**
 * The models folder: where GGUF refining models live, how to list them and how to add one
 * (local path, `hf:owner/repo[:quant]` or URL). Each model may have a `<file>.sha256` sidecar
 * written when it was added, so listing never re-hashes gigabytes.
 */
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { isRemoteModelSource } from '../../contract/programmer-ref';
import { downloadModelFile } from '../../native/llama/download';
import { checkDownloadUrl } from '../util/download-url';
import { checkModelFile, ModelFileError } from './gguf-check';
import { sha256File } from './file-hash';

export interface RegisteredModel {
  /** File name without `.gguf`: what `--model`, profiles and the UI refer to. */
  readonly id: string;
  readonly path: string;
  readonly name: string;
  readonly bytes: number;
  readonly architecture: string | null;
  readonly parameters: number | null;
  readonly quantization: string | null;
  readonly sha256: string | null;
  /** Why the file cannot be used, when it cannot. */
  readonly problem: string | null;
}

export interface ModelsDirOptions {
  /** Explicit folder (the --models-dir option); beats REFINERY_MODELS_DIR and the default. */
  readonly dir?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly home?: string;
}

/**
 * The per-user models folder: --models-dir, else REFINERY_MODELS_DIR, else `models` inside
 * REFINERY_HOME when that is set (one variable moves all of Refinery's data), else the
 * platform's data folder.
 */
export function modelsDir(options: ModelsDirOptions = {}): string {
  if (options.dir) return resolve(options.dir);
  const env = options.env ?? process.env;
  if (env.REFINERY_MODELS_DIR) return resolve(env.REFINERY_MODELS_DIR);
  if (env.REFINERY_HOME) return join(resolve(env.REFINERY_HOME), 'models');
  const home = options.home ?? homedir();
  switch (options.platform ?? process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Refinery', 'models');
    case 'win32':
      return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'Refinery', 'models');
    default:
      return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'refinery', 'models');
  }
}

export async function listModels(dir: string): Promise<RegisteredModel[]> {
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((name) => name.toLowerCase().endsWith('.gguf')).sort();
  return Promise.all(names.map((name) => describeModel(join(dir, name))));
}

export async function describeModel(path: string): Promise<RegisteredModel> {
  const id = basename(path).replace(/\.gguf$/i, '');
  const sha256 = await readSidecar(path);
  try {
    const summary = await checkModelFile(path);
    return { id, path, name: summary.name ?? id, bytes: summary.bytes, architecture: summary.architecture, parameters: summary.parameters, quantization: summary.quantization, sha256, problem: null };
  } catch (err) {
    const bytes = existsSync(path) ? (await stat(path)).size : 0;
    return { id, path, name: id, bytes, architecture: null, parameters: null, quantization: null, sha256, problem: err instanceof Error ? err.message : String(err) };
  }
}

/** A model id in the folder, or a path to a GGUF file, to the file's path; a clear error otherwise. */
export function findModel(reference: string, dir: string): string {
  const inDir = join(dir, reference.toLowerCase().endsWith('.gguf') ? reference : `${reference}.gguf`);
  if (existsSync(inDir)) return inDir;
  if (existsSync(reference)) return resolve(reference);
  throw new ModelFileError(reference, 'missing', `no such model in ${dir} and no such file. See \`refinery models list\`, or add it with \`refinery models add <path | hf:owner/repo[:quant] | URL>\`.`);
}

export interface AddModelOptions {
  readonly dir: string;
  /** Expected sha256 (hex); the file is rejected and deleted when it differs. */
  readonly sha256?: string;
  readonly huggingFaceEndpoint?: string;
  readonly onProgress?: (progress: { file: string; bytes: number; total: number | null }) => void;
  readonly signal?: AbortSignal;
}

export interface AddedModel extends RegisteredModel {
  /** What was done to the file beyond downloading it (the base checkpoint's tokenizer settings kept in it), or null. */
  readonly note: string | null;
}

/**
 * Adds a model to the folder from a local path, `hf:` URI or URL; returns it once checked and
 * hashed. An `hf:` download from a GGUF repository a built-in profile maps to its checkpoint
 * gets that checkpoint's tokenizer settings written into its metadata (base-tokenizer.ts); a
 * file given by path is never altered.
 */
export async function addModel(source: string, options: AddModelOptions): Promise<AddedModel> {
  await mkdir(options.dir, { recursive: true });
  const expected = options.sha256?.toLowerCase();
  if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected)) throw new Error(`--sha256 must be 64 hex digits, got "${options.sha256}"`);
  let path: string;
  let keepTokenizer: ((file: string) => Promise<string>) | null = null;
  if (isRemoteModelSource(source)) {
    if (/^hf:/i.test(source)) {
      const endpoint = options.huggingFaceEndpoint ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co';
      checkDownloadUrl(endpoint, 'the Hugging Face endpoint');
      // Imported here: base-tokenizer reads the profiles, which use this module.
      const base = await import('./base-tokenizer');
      const ggufRepo = base.hubRepoOfSource(source);
      const checkpoint = ggufRepo !== undefined ? base.baseCheckpointOf(ggufRepo) : undefined;
      if (checkpoint !== undefined) {
        // Fetched before the download (a few KB): a failure stops before gigabytes are fetched.
        const settings = await base.fetchBaseTokenizerSettings(endpoint, checkpoint, options.signal);
        keepTokenizer = settings !== null ? (file) => base.keepTokenizerSettings(file, settings) : () => Promise.resolve(base.noBaseTokenizerNote(checkpoint));
      }
    } else checkDownloadUrl(source, 'the model URL');
    const downloaded = await downloadModelFile({
      uri: source,
      dir: options.dir,
      huggingFaceEndpoint: options.huggingFaceEndpoint,
      signal: options.signal,
      onProgress: ({ bytes, total }) => options.onProgress?.({ file: source, bytes, total }),
    });
    path = downloaded.path;
  } else {
    const from = resolve(source);
    await checkModelFile(from); // refuse junk before copying gigabytes
    path = join(options.dir, basename(from).toLowerCase().endsWith('.gguf') ? basename(from) : `${basename(from)}.gguf`);
    if (resolve(path) !== from) {
      const partial = `${path}.partial`;
      await copyFile(from, partial);
      await rename(partial, path);
    }
  }
  const digest = await sha256File(path);
  if (expected !== undefined && digest !== expected) {
    await rm(path, { force: true });
    throw new Error(`${source}: checksum mismatch (sha256 ${digest}, expected ${expected}); the file was deleted. Download it again.`);
  }
  let note: string | null = null;
  try {
    await checkModelFile(path);
    // After the checksum: --sha256 names the published file, the sidecar the file as kept.
    if (keepTokenizer !== null) note = await keepTokenizer(path);
  } catch (err) {
    if (isRemoteModelSource(source)) await rm(path, { force: true });
    throw err;
  }
  await writeFile(sidecarPath(path), `${keepTokenizer !== null ? await sha256File(path) : digest}\n`);
  return { ...(await describeModel(path)), note };
}

/** Registers a GGUF file already in the folder (e.g. just converted): checks it, writes its sha256 sidecar. */
export async function registerModelFile(path: string): Promise<RegisteredModel> {
  await checkModelFile(path);
  await writeFile(sidecarPath(path), `${await sha256File(path)}\n`);
  return describeModel(path);
}

function sidecarPath(path: string): string {
  return join(dirname(path), `${basename(path)}.sha256`);
}

async function readSidecar(path: string): Promise<string | null> {
  try {
    const text = (await readFile(sidecarPath(path), 'utf8')).trim();
    return /^[0-9a-f]{64}$/.test(text) ? text : null;
  } catch {
    return null;
  }
}
