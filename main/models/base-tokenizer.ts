/**
 * A GGUF build made elsewhere (e.g. QuantFactory's of gair-prox's refiners) lacks what the
 * checkpoint's tokenizer files say about prompts: llama.cpp's converter keeps no `legacy`
 * (refinery.tokenizer.legacy), so prompts would spell `<s>[INST]` as `▁[` (518) where the
 * checkpoint's tokenizer gives `[` (29961). When a profile's model is downloaded as such a build,
 * the base checkpoint's tokenizer_config.json (a few KB) is fetched and its legacy,
 * add_bos_token and chat template are written into the GGUF's own metadata, so everything that
 * reads the file (stage runner, refinery prompt, the remote /tokenize check) follows them.
 * Only files Refinery downloaded are rewritten, never one the user pointed to by path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rewriteGgufMetadata, type GgufMetadataValue } from '../../native/gguf';
import { checkpointPromptSettings } from '../convert/hf-tokenizer';
import { LEGACY_KEY } from '../convert/vocabulary';
import { checkDownloadUrl } from '../util/download-url';
import { PROFILES, type Profile, type StageSource } from './profiles';

export interface BaseTokenizerSettings {
  /** The checkpoint repository the settings come from. */
  readonly repo: string;
  readonly legacy?: boolean;
  readonly addBos?: boolean;
  readonly chatTemplate?: string;
}

/** The checkpoint a built-in profile maps this GGUF repository to (its `gguf` field), if any. */
export function baseCheckpointOf(ggufRepo: string): string | undefined {
  const wanted = ggufRepo.toLowerCase();
  for (const profile of Object.values(PROFILES) as Profile[]) {
    for (const source of [profile.doc, profile.chunk, profile.ultrax] as (StageSource | undefined)[]) {
      if (source?.type === 'model' && source.gguf?.toLowerCase() === wanted) return source.repo;
    }
  }
  return undefined;
}

/** `hf:owner/repo[:quant]` or `hf:owner/repo/file.gguf` -> `owner/repo`; undefined for anything else. */
export function hubRepoOfSource(source: string): string | undefined {
  const m = /^hf:([A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*?)(?::[^/]*|\/.*)?$/i.exec(source);
  return m ? m[1] : undefined;
}

/** A small file of a Hub repository as text, or null when the repository has no such file (404). */
async function fetchSmallFile(endpoint: string, repo: string, file: string, signal?: AbortSignal): Promise<string | null> {
  const url = `${endpoint}/${repo}/resolve/main/${file}`;
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (err) {
    throw new Error(`could not fetch ${repo}'s ${file} from ${endpoint} (${(err as Error).message}); it says how prompts are tokenized, so the model is not installed without it. Check the network or --hf-endpoint`);
  }
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} while fetching ${repo}'s ${file}`);
  return response.text();
}

/**
 * The prompt settings of `repo`'s tokenizer_config.json (with chat_template.jinja when the config
 * has no chat_template), or null when the repository has no tokenizer_config.json.
 */
export async function fetchBaseTokenizerSettings(endpoint: string, repo: string, signal?: AbortSignal): Promise<BaseTokenizerSettings | null> {
  const base = endpoint.replace(/\/+$/, '');
  checkDownloadUrl(base, 'the Hugging Face endpoint');
  const config = await fetchSmallFile(base, repo, 'tokenizer_config.json', signal);
  if (config === null) return null;
  const folder = mkdtempSync(join(tmpdir(), 'refinery-base-tokenizer-'));
  try {
    writeFileSync(join(folder, 'tokenizer_config.json'), config);
    let raw: unknown;
    try {
      raw = JSON.parse(config);
    } catch (err) {
      throw new Error(`${repo}/tokenizer_config.json: not valid JSON (${(err as Error).message})`);
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${repo}/tokenizer_config.json: expected a JSON object`);
    if ((raw as Record<string, unknown>).chat_template === undefined) {
      const jinja = await fetchSmallFile(base, repo, 'chat_template.jinja', signal);
      if (jinja !== null) writeFileSync(join(folder, 'chat_template.jinja'), jinja);
    }
    let settings: ReturnType<typeof checkpointPromptSettings>;
    try {
      settings = checkpointPromptSettings(folder);
    } catch (err) {
      // Name the repository, not the temporary folder.
      throw new Error(`${repo}/${(err as Error).message.slice(folder.length + 1)}`);
    }
    return { repo, ...settings };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Writes the settings into the GGUF's metadata (only what differs); returns a line saying what it did. */
export async function keepTokenizerSettings(ggufPath: string, settings: BaseTokenizerSettings, signal?: AbortSignal): Promise<string> {
  const changes = new Map<string, GgufMetadataValue>();
  const kept: string[] = [];
  if (settings.legacy !== undefined) {
    changes.set(LEGACY_KEY, { type: 'bool', value: settings.legacy });
    kept.push(`legacy ${settings.legacy}`);
  }
  if (settings.addBos !== undefined) {
    changes.set('tokenizer.ggml.add_bos_token', { type: 'bool', value: settings.addBos });
    kept.push(`add_bos_token ${settings.addBos}`);
  }
  if (settings.chatTemplate !== undefined) {
    changes.set('tokenizer.chat_template', { type: 'string', value: settings.chatTemplate });
    kept.push('the chat template');
  }
  if (kept.length === 0) return `${settings.repo}'s tokenizer_config.json states no legacy, add_bos_token or chat template: the GGUF is kept as downloaded`;
  await rewriteGgufMetadata(ggufPath, changes, signal);
  return `kept ${settings.repo}'s tokenizer settings in the GGUF: ${kept.join(', ')}`;
}

/** The line said when the base repository has no tokenizer_config.json. */
export function noBaseTokenizerNote(repo: string): string {
  return `${repo} has no tokenizer_config.json: the GGUF is kept as downloaded (no legacy setting, so prompts use llama.cpp's '▁[' spelling after BOS)`;
}
