/**
 * Fetches the files of a Hugging Face llama checkpoint (config, tokenizer, safetensors) into
 * a local folder so it can be converted. The file list comes from the Hub's model API; the
 * files themselves go through the app's model downloader (native/llama/download.ts: resume,
 * parallel connections), not a second download implementation.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { downloadModelFile } from '../../native/llama/download';
import { checkDownloadUrl } from '../util/download-url';
import { INFERENCE_SCRIPT_IN_MODEL_REPO } from './ultrax-instruction';

export interface HubCheckpointOptions {
  /** Where the checkpoint folder is created (one sub-folder per repository). */
  readonly cacheDir: string;
  /** Hub endpoint, e.g. a local mirror; default HF_ENDPOINT or https://huggingface.co. */
  readonly endpoint?: string;
  readonly revision?: string;
  readonly onProgress?: (p: { file: string; fileIndex: number; files: number; bytes: number; total: number | null }) => void;
  readonly signal?: AbortSignal;
}

const WANTED = /^(config\.json|tokenizer\.model|tokenizer\.json|tokenizer_config\.json|model\.safetensors\.index\.json|[^/]+\.safetensors)$/;
/**
 * UltraX's model repository also holds its code; its inference script carries the system
 * instruction the model needs, which the conversion keeps in the GGUF (ultrax-instruction.ts).
 */
const WANTED_EXTRA = new Set([INFERENCE_SCRIPT_IN_MODEL_REPO]);

/** `hf:owner/repo` or `owner/repo` -> `owner/repo`, or undefined when it is not a Hub reference. */
export function parseHubRepo(reference: string): string | undefined {
  const m = /^(?:hf:)?([A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*)$/.exec(reference);
  return m ? m[1] : undefined;
}

/** The file names of a Hub repository (its model API's `siblings`). */
export async function listRepoFiles(endpoint: string, repo: string, revision: string, signal?: AbortSignal): Promise<string[]> {
  checkDownloadUrl(endpoint, 'the Hugging Face endpoint');
  const url = `${endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}`;
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (err) {
    throw new Error(`could not reach ${endpoint} to list the files of ${repo} (${(err as Error).message}); check the network or --hf-endpoint`);
  }
  if (response.status === 401 || response.status === 404) {
    throw new Error(`${repo} was not found on ${endpoint} (HTTP ${response.status}); check the name (private and gated repositories are not supported)`);
  }
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} while listing the files of ${repo}`);
  const body = (await response.json()) as { siblings?: { rfilename?: unknown }[] };
  return (body.siblings ?? []).map((s) => s.rfilename).filter((f): f is string => typeof f === 'string');
}

/** Downloads the checkpoint files of `repo` and returns the local folder. */
export async function fetchHubCheckpoint(repo: string, options: HubCheckpointOptions): Promise<string> {
  const endpoint = (options.endpoint ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
  const revision = options.revision ?? 'main';
  const files = (await listRepoFiles(endpoint, repo, revision, options.signal)).filter((f) => WANTED.test(f) || WANTED_EXTRA.has(f));
  if (!files.includes('config.json')) throw new Error(`${repo} has no config.json at the top level; it is not a Hugging Face transformers checkpoint`);
  if (!files.some((f) => f.endsWith('.safetensors'))) {
    throw new Error(`${repo} has no .safetensors weights; only safetensors checkpoints can be converted (if it ships GGUF files, use \`refinery models add hf:${repo}\`)`);
  }
  if (!files.includes('tokenizer.model') && !files.includes('tokenizer.json')) throw new Error(`${repo} has no tokenizer.model or tokenizer.json`);
  const folder = join(options.cacheDir, repo.replace('/', '__'));
  mkdirSync(folder, { recursive: true });
  // Small files first so a bad checkpoint is noticed before gigabytes are fetched.
  files.sort((a, b) => Number(a.endsWith('.safetensors')) - Number(b.endsWith('.safetensors')));
  for (const [fileIndex, file] of files.entries()) {
    const target = join(folder, file);
    if (existsSync(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    const downloaded = await downloadModelFile({
      uri: `${endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${file}`,
      dir: dirname(target),
      signal: options.signal,
      onProgress: ({ bytes, total }) => options.onProgress?.({ file, fileIndex, files: files.length, bytes, total }),
    });
    if (basename(downloaded.path) !== basename(file)) renameSync(downloaded.path, target);
  }
  return folder;
}
