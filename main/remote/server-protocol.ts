/**
 * What Refinery asks of an inference server, in each server's own dialect. All take prompt
 * token ids (so the prompt is exactly the one the in-process programmer builds), decode
 * greedily, and stop at the stage's token cap; they differ in where the grammar goes, how
 * logprobs come back and where /tokenize lives.
 *
 * - llama.cpp's llama-server: its native /completion (token ids back, `grammar`, `n_probs`
 *   with token ids, slots and context in /props).
 * - vLLM: /v1/completions with `structured_outputs: {grammar}` (GBNF-style EBNF, xgrammar),
 *   `logprobs` with `return_tokens_as_token_ids`, and /tokenize at the server root.
 * - SGLang: /v1/completions with `ebnf`, /tokenize at the root.
 */
import { Endpoint, EndpointError, RetryableError, type EndpointRef, type ServedModel, type ServerFlavor } from './endpoint';

export interface CompletionRequest {
  readonly prompt: readonly number[];
  readonly maxTokens: number;
  /** GBNF; null: free generation (reference fidelity). */
  readonly grammar: string | null;
  /** Top-K next-token log-probabilities per generated token (P(keep)); 0: none. */
  readonly topLogprobs: number;
}

export interface CompletionStep {
  readonly token: number;
  /** Next-token probabilities, highest first, as the server computed them (before the grammar mask). */
  readonly top: ReadonlyMap<number, number>;
}

export interface Completion {
  readonly text: string;
  /** Generated token ids where the server returns them. */
  readonly tokens: readonly number[] | null;
  readonly generatedTokens: number;
  /** Prompt tokens the server actually evaluated (a cached prefix is not), where it says. */
  readonly promptTokensEvaluated: number;
  readonly steps: readonly CompletionStep[];
  /** The model the server says answered. */
  readonly model: string | null;
}

/** The server answered for another model than the one it was checked for (restarted with another file?). */
export class WrongModelError extends EndpointError {
  constructor(message: string) {
    super(message);
    this.name = 'WrongModelError';
  }
}

const DISCOVERY_TIMEOUT_MS = 15_000;

/** Asks a server what it serves: /v1/models, plus /props on llama.cpp. */
export async function discover(endpoint: Endpoint, ref: EndpointRef): Promise<ServedModel> {
  const listing = record(await endpoint.get(`${endpoint.ref.baseUrl}/models`, { timeoutMs: DISCOVERY_TIMEOUT_MS }), `${endpoint.label}/models`);
  const models = Array.isArray(listing.data) ? listing.data.map((m) => record(m, `${endpoint.label}/models data[]`)) : [];
  if (models.length === 0) throw new EndpointError(`${endpoint.label}/models lists no model (is the model still loading?)`);
  const ids = models.map((m) => String(m.id));
  const chosen = ref.model === null ? models[0]! : models.find((m) => m.id === ref.model || basenameOf(String(m.id)) === ref.model);
  if (!chosen) throw new WrongModelError(`${endpoint.label} serves ${ids.map((id) => `"${id}"`).join(', ')}, not the expected "${ref.model}"`);
  const id = String(chosen.id);
  const owner = String(chosen.owned_by ?? '').toLowerCase();
  const flavor: ServerFlavor = owner === 'llamacpp' ? 'llama.cpp' : owner === 'vllm' ? 'vllm' : owner === 'sglang' ? 'sglang' : 'openai';

  if (flavor === 'llama.cpp') {
    const meta = chosen.meta === null || chosen.meta === undefined ? null : record(chosen.meta, `${endpoint.label}/models meta`);
    const props = record(await endpoint.get(`${endpoint.root}/props`, { timeoutMs: DISCOVERY_TIMEOUT_MS }), `${endpoint.root}/props`);
    const settings = props.default_generation_settings === undefined ? null : record(props.default_generation_settings, '/props default_generation_settings');
    const fingerprint = meta ? ['n_params', 'size', 'n_vocab', 'n_embd', 'n_ctx_train'].map((k) => `${k}=${String(meta[k])}`).join(';') : '';
    return {
      flavor,
      id,
      fingerprint,
      vocabSize: meta && typeof meta.n_vocab === 'number' ? meta.n_vocab : null,
      contextPerRequest: settings && typeof settings.n_ctx === 'number' ? settings.n_ctx : null,
      slots: typeof props.total_slots === 'number' ? props.total_slots : null,
    };
  }
  const maxLen = typeof chosen.max_model_len === 'number' ? chosen.max_model_len : null;
  return { flavor, id, fingerprint: `root=${String(chosen.root ?? id)};max_model_len=${String(maxLen)}`, vocabSize: null, contextPerRequest: maxLen, slots: null };
}

/** Token ids the server gives `text` (no BOS, special-token text left as text); null where it has no /tokenize. */
export async function tokenizeRemotely(endpoint: Endpoint, served: ServedModel, text: string): Promise<number[] | null> {
  const body = served.flavor === 'llama.cpp'
    ? { content: text, add_special: false, parse_special: false }
    : { model: served.id, prompt: text, add_special_tokens: false };
  if (served.flavor === 'openai') return null;
  let answer: unknown;
  try {
    answer = await endpoint.post(`${endpoint.root}/tokenize`, body, { timeoutMs: DISCOVERY_TIMEOUT_MS });
  } catch (err) {
    if (err instanceof EndpointError && err.status === 404) return null;
    throw err;
  }
  const tokens = record(answer, `${endpoint.root}/tokenize`).tokens;
  if (!Array.isArray(tokens)) throw new EndpointError(`${endpoint.root}/tokenize answered without a tokens list`);
  return tokens.map((t) => (typeof t === 'number' ? t : Number(record(t, '/tokenize tokens[]').id)));
}

export async function complete(endpoint: Endpoint, served: ServedModel, request: CompletionRequest, timeoutMs: number, signal?: AbortSignal): Promise<Completion> {
  return served.flavor === 'llama.cpp'
    ? completeLlamaCpp(endpoint, served, request, timeoutMs, signal)
    : completeOpenAi(endpoint, served, request, timeoutMs, signal);
}

async function completeLlamaCpp(endpoint: Endpoint, served: ServedModel, request: CompletionRequest, timeoutMs: number, signal?: AbortSignal): Promise<Completion> {
  const body: Record<string, unknown> = {
    prompt: request.prompt,
    n_predict: request.maxTokens,
    // Greedy: temperature 0 keeps the most likely token; no penalty may reorder the candidates.
    temperature: 0,
    repeat_penalty: 1,
    presence_penalty: 0,
    frequency_penalty: 0,
    dry_multiplier: 0,
    cache_prompt: true,
    return_tokens: true,
    stream: false,
  };
  if (request.grammar !== null) body.grammar = request.grammar;
  if (request.topLogprobs > 0) body.n_probs = request.topLogprobs;
  const where = `${endpoint.root}/completion`;
  const answer = record(await postCompletion(endpoint, where, body, timeoutMs, signal), where);
  checkModel(endpoint, served, answer.model);
  const content = typeof answer.content === 'string' ? answer.content : null;
  if (content === null) throw new EndpointError(`${where} answered without "content"`);
  const tokens = Array.isArray(answer.tokens) ? answer.tokens.map(Number) : null;
  // The end-of-generation token is in `tokens` (and tokens_predicted); in-process counts only the answer's.
  const answerTokens = tokens && answer.stop_type === 'eos' ? tokens.slice(0, -1) : tokens;
  const probabilities = Array.isArray(answer.completion_probabilities) ? answer.completion_probabilities.map((p) => record(p, 'completion_probabilities[]')) : [];
  const steps: CompletionStep[] = probabilities.map((p) => {
    const top = new Map((Array.isArray(p.top_logprobs) ? p.top_logprobs : []).map((t) => record(t, 'top_logprobs[]')).map((t) => [Number(t.id), Math.exp(Number(t.logprob))] as [number, number]));
    // The sampled token's own probability comes with the step even when it is not in the top list.
    if (typeof p.logprob === 'number' && !top.has(Number(p.id))) top.set(Number(p.id), Math.exp(p.logprob));
    return { token: Number(p.id), top };
  });
  const timings = answer.timings === undefined ? null : record(answer.timings, 'timings');
  return {
    text: content,
    tokens: answerTokens,
    generatedTokens: answerTokens?.length ?? (typeof answer.tokens_predicted === 'number' ? answer.tokens_predicted : 0),
    promptTokensEvaluated: timings && typeof timings.prompt_n === 'number' ? timings.prompt_n : request.prompt.length,
    steps,
    model: typeof answer.model === 'string' ? answer.model : null,
  };
}

/**
 * llama-server passes /completion output through its chat output parser, which answers HTTP 500
 * "... does not match the expected Content-only format" when the answer was cut off at the token
 * limit inside a UTF-8 character. Asking again gives the same greedy answer, so this is the
 * document's failure, said plainly, not a server to retry (or to give the batch up for).
 */
const CUT_CHARACTER_REFUSAL = 'does not match the expected Content-only format';

async function postCompletion(endpoint: Endpoint, where: string, body: Record<string, unknown>, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
  try {
    return await endpoint.post(where, body, { timeoutMs, signal });
  } catch (err) {
    if (err instanceof RetryableError && err.message.includes(CUT_CHARACTER_REFUSAL)) {
      throw new EndpointError(
        `${endpoint.label} refused the answer: it was cut off at the ${String(body.n_predict)}-token limit inside a UTF-8 character, which llama-server's output parser rejects (HTTP 500 "${CUT_CHARACTER_REFUSAL}"); run this stage in-process`,
      );
    }
    throw err;
  }
}

async function completeOpenAi(endpoint: Endpoint, served: ServedModel, request: CompletionRequest, timeoutMs: number, signal?: AbortSignal): Promise<Completion> {
  const body: Record<string, unknown> = {
    model: served.id,
    prompt: request.prompt,
    max_tokens: request.maxTokens,
    temperature: 0,
    stream: false,
  };
  if (request.grammar !== null) {
    if (served.flavor === 'vllm') body.structured_outputs = { grammar: request.grammar };
    else if (served.flavor === 'sglang') body.ebnf = request.grammar;
    else throw new EndpointError(`${endpoint.label} is not a server Refinery knows how to constrain with a grammar (llama.cpp, vLLM, SGLang); use one of those, or reference fidelity (no grammar)`);
  }
  if (request.topLogprobs > 0) {
    body.logprobs = request.topLogprobs;
    body.return_tokens_as_token_ids = true;
  }
  const where = `${endpoint.ref.baseUrl}/completions`;
  const answer = record(await endpoint.post(where, body, { timeoutMs, signal }), where);
  checkModel(endpoint, served, answer.model);
  const choice = Array.isArray(answer.choices) && answer.choices.length > 0 ? record(answer.choices[0], 'choices[0]') : null;
  if (!choice || typeof choice.text !== 'string') throw new EndpointError(`${where} answered without choices[0].text`);
  const usage = answer.usage === undefined ? null : record(answer.usage, 'usage');
  const steps: CompletionStep[] = [];
  if (request.topLogprobs > 0) {
    const logprobs = choice.logprobs === null || choice.logprobs === undefined ? null : record(choice.logprobs, 'logprobs');
    const chosen = logprobs && Array.isArray(logprobs.tokens) ? logprobs.tokens.map(String) : [];
    const tops = logprobs && Array.isArray(logprobs.top_logprobs) ? logprobs.top_logprobs : [];
    chosen.forEach((token, i) => {
      const top = tops[i] === null || tops[i] === undefined ? {} : record(tops[i], 'top_logprobs[]');
      steps.push({ token: tokenIdOf(token, where), top: new Map(Object.entries(top).map(([t, lp]) => [tokenIdOf(t, where), Math.exp(Number(lp))] as [number, number])) });
    });
  }
  return {
    text: choice.text,
    tokens: null,
    generatedTokens: usage && typeof usage.completion_tokens === 'number' ? usage.completion_tokens : 0,
    promptTokensEvaluated: usage && typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : request.prompt.length,
    steps,
    model: typeof answer.model === 'string' ? answer.model : null,
  };
}

function tokenIdOf(text: string, where: string): number {
  const match = /^token_id:(\d+)$/.exec(text);
  if (!match) throw new EndpointError(`${where} returned logprobs by token text ("${text}"), not by token id; P(keep) needs a server that honours return_tokens_as_token_ids (vLLM) or llama.cpp`);
  return Number(match[1]);
}

function checkModel(endpoint: Endpoint, served: ServedModel, model: unknown): void {
  // llama.cpp answers with its alias or file name; an answer for another model means the server changed under us.
  if (typeof model === 'string' && model !== '' && model !== served.id && basenameOf(model) !== basenameOf(served.id)) {
    throw new WrongModelError(`${endpoint.label} answered with model "${model}", not "${served.id}" that it served when checked`);
  }
}

function basenameOf(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new EndpointError(`${where}: expected a JSON object`);
  return value as Record<string, unknown>;
}
