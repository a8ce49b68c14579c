/**
 * How a user names the programmer of a stage: in the CLI's flags, the Batch screen's fields and
 * the `stages` spec of the API. `rules` or `rules:<preset spec>` is the rule programmer; an
 * `hf:` URI or an http(s) URL is a model that must be added to the models folder first;
 * `openai:<url>[#model][@N][,<url>...]` is an inference server (llama-server, vLLM, SGLang) that
 * runs the model (main/remote); anything else is a model id in the models folder or a GGUF path.
 * Parsed here once, for every caller.
 */

/** The preset `rules` means when it names none: `web`, the rule set made for raw web pages. */
export const DEFAULT_RULE_PRESET = 'web';

export type ProgrammerRef =
  | { readonly type: 'rules'; readonly preset: string }
  | { readonly type: 'remote'; readonly source: string }
  /** Inference servers: comma-separated `<url>[#model][@concurrency]` endpoints. */
  | { readonly type: 'server'; readonly endpoints: string }
  | { readonly type: 'model'; readonly reference: string };

/** A model that lives elsewhere (Hugging Face, a URL) and has to be downloaded before use. */
export function isRemoteModelSource(source: string): boolean {
  return /^hf:/i.test(source) || /^https?:\/\//i.test(source);
}

export function parseProgrammerRef(value: string): ProgrammerRef {
  const trimmed = value.trim();
  const rules = /^rules(?::([\s\S]*))?$/.exec(trimmed);
  if (rules) return { type: 'rules', preset: rules[1]?.trim() || DEFAULT_RULE_PRESET };
  if (/^openai:/i.test(trimmed)) return { type: 'server', endpoints: trimmed.slice('openai:'.length) };
  if (isRemoteModelSource(trimmed)) return { type: 'remote', source: trimmed };
  return { type: 'model', reference: trimmed };
}
