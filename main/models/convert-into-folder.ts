/**
 * Hugging Face checkpoint -> GGUF in the models folder, named the way the profiles look for
 * it (`<repo-name>.<TYPE>.gguf`, profiles.ts), then registered (checked, sha256 sidecar).
 * Shared by the workspace API (`models.convert`), `refinery models add` and its fallback for
 * Hub repositories that ship no GGUF files.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { convertCheckpoint, type ConvertProgress } from '../convert/convert-checkpoint';
import { fetchHubCheckpoint, listRepoFiles, parseHubRepo } from '../convert/hub-checkpoint';
import { OUTPUT_TYPES, type OutputType } from '../convert/llama-gguf';
import { registerModelFile, type RegisteredModel } from './registry';

export interface ConvertIntoFolderOptions {
  /** The models folder. */
  readonly dir: string;
  readonly type: OutputType;
  /** File base name; default: the repository name, else the checkpoint folder's name. */
  readonly baseName?: string;
  readonly overwrite?: boolean;
  readonly onProgress?: (p: ConvertProgress) => void;
  /** Convert in the convert-worker thread (the event loop stays free; `signal` stops it too). */
  readonly inWorker?: boolean;
  readonly signal?: AbortSignal;
}

export function parseOutputType(type: string): OutputType {
  const lower = type.toLowerCase();
  if (!(OUTPUT_TYPES as readonly string[]).includes(lower)) throw new Error(`quantization "${type}" cannot be produced by the converter; use one of ${OUTPUT_TYPES.join(', ')}`);
  return lower as OutputType;
}

/** `<base>.<TYPE>.gguf`, e.g. web-chunk-refining-lm.Q8_0.gguf. */
export function convertedFileName(baseName: string, type: OutputType): string {
  return `${baseName}.${type.toUpperCase()}.gguf`;
}

/** A checkpoint folder's model name: Hub cache folders are `owner__repo`. */
function folderBaseName(folder: string): string {
  const name = basename(resolve(folder));
  const i = name.indexOf('__');
  return i >= 0 ? name.slice(i + 2) : name;
}

export async function convertIntoModelsFolder(checkpoint: string, options: ConvertIntoFolderOptions): Promise<RegisteredModel> {
  if (!existsSync(checkpoint)) throw new Error(`${checkpoint}: no such checkpoint folder (it needs config.json, *.safetensors and tokenizer.model or tokenizer.json)`);
  mkdirSync(options.dir, { recursive: true });
  const out = join(options.dir, convertedFileName(options.baseName ?? folderBaseName(checkpoint), options.type));
  if (options.inWorker) {
    const { convertInWorker } = await import('./convert-in-worker');
    await convertInWorker(checkpoint, out, { outType: options.type, overwrite: options.overwrite, onProgress: options.onProgress, signal: options.signal });
  } else {
    convertCheckpoint(checkpoint, out, { outType: options.type, overwrite: options.overwrite, onProgress: options.onProgress });
  }
  return registerModelFile(out);
}

export interface HubConvertOptions extends ConvertIntoFolderOptions {
  readonly endpoint?: string;
  /** Where the fetched checkpoint is kept; default `<models folder>/checkpoints`. */
  readonly cacheDir?: string;
  readonly onDownload?: (p: { file: string; bytes: number; total: number | null }) => void;
}

/** Fetches `owner/repo`'s checkpoint and converts it into the models folder as `<repo>.<TYPE>.gguf`. */
export async function addHubCheckpoint(repo: string, options: HubConvertOptions): Promise<RegisteredModel> {
  const folder = await fetchHubCheckpoint(repo, {
    cacheDir: options.cacheDir ?? join(options.dir, 'checkpoints'),
    endpoint: options.endpoint,
    signal: options.signal,
    onProgress: (p) => options.onDownload?.({ file: p.file, bytes: p.bytes, total: p.total }),
  });
  return convertIntoModelsFolder(folder, { ...options, baseName: options.baseName ?? repo.split('/')[1] });
}

/**
 * Whether `source` is a Hub repository to fetch as a checkpoint and convert: a bare
 * `owner/repo` that is not a local path, or `hf:owner/repo` (no quant or file part) whose
 * repository has no .gguf file. Returns the repository, or undefined to add `source` as is.
 */
export async function checkpointRepoFor(source: string, options: { endpoint?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<string | undefined> {
  if (existsSync(source)) return undefined;
  const repo = parseHubRepo(source);
  if (!repo || /\.gguf$/i.test(repo)) return undefined;
  if (!/^hf:/i.test(source)) return repo;
  const endpoint = (options.endpoint ?? (options.env ?? process.env).HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
  const files = await listRepoFiles(endpoint, repo, 'main', options.signal);
  return files.some((f) => f.toLowerCase().endsWith('.gguf')) ? undefined : repo;
}
