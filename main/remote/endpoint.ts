/**
 * One OpenAI-compatible inference server (llama.cpp's llama-server, vLLM, SGLang): its
 * address, what it serves, how many requests it takes at once, and JSON requests to it with
 * timeouts, the API key, and errors classed as "try again elsewhere" or "this will not work".
 */
import { redactKey } from './api-key';

/** Which server: they agree on /v1/completions but not on grammars, logprobs or /tokenize. */
export type ServerFlavor = 'llama.cpp' | 'vllm' | 'sglang' | 'openai';

export interface EndpointRef {
  /** The base URL as given, ending in /v1 (added when missing). */
  readonly baseUrl: string;
  /** The model the user expects this server to serve (`#model`), if named. */
  readonly model: string | null;
  /** Requests in flight at once; null: the server's slot count, else a default. */
  readonly concurrency: number | null;
}

export interface ServedModel {
  readonly flavor: ServerFlavor;
  /** The /v1/models id requests name. */
  readonly id: string;
  /** What identifies the weights beyond the name, where the server says (llama.cpp: parameters, size, vocab). */
  readonly fingerprint: string;
  readonly vocabSize: number | null;
  /** Tokens one request may hold (llama.cpp: per slot), where the server says. */
  readonly contextPerRequest: number | null;
  /** Requests the server decodes together (llama.cpp slots), where it says. */
  readonly slots: number | null;
}

/** Timeouts, refused connections, 5xx, 429: another endpoint (or a later try) may succeed. */
export class RetryableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryableError';
  }
}

/** A request this server will never answer as wanted (4xx, a wrong model, an odd reply). */
export class EndpointError extends Error {
  constructor(message: string, readonly status: number | null = null) {
    super(message);
    this.name = 'EndpointError';
  }
}

/** `http://host:8080`, `http://host:8080/v1/`, `...#model@8` -> the parts. */
export function parseEndpointRef(text: string): EndpointRef {
  let rest = text.trim();
  let concurrency: number | null = null;
  const at = /@(\d+)$/.exec(rest);
  if (at) {
    concurrency = Number(at[1]);
    if (concurrency < 1) throw new EndpointError(`endpoint ${text}: the concurrency after @ must be at least 1`);
    rest = rest.slice(0, at.index);
  }
  let model: string | null = null;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    model = rest.slice(hash + 1) || null;
    rest = rest.slice(0, hash);
  }
  let url: URL;
  try {
    url = new URL(rest);
  } catch {
    throw new EndpointError(`endpoint "${text}" is not a URL; expected http(s)://host:port[/v1][#model][@concurrency]`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EndpointError(`endpoint "${text}": only http and https are supported`);
  if (url.username || url.password) throw new EndpointError(`endpoint "${text}": put no credentials in the URL; set the API key in REFINERY_API_KEY`);
  const path = url.pathname.replace(/\/+$/, '');
  const baseUrl = `${url.origin}${path.endsWith('/v1') ? path : `${path}/v1`}`;
  return { baseUrl, model, concurrency };
}

export interface RequestOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export class Endpoint {
  /** The server root (the base URL without /v1): llama.cpp's /completion, /tokenize, /props live there. */
  readonly root: string;

  constructor(
    readonly ref: EndpointRef,
    private readonly apiKey: string | null,
  ) {
    this.root = ref.baseUrl.replace(/\/v1$/, '');
  }

  get label(): string {
    return this.ref.baseUrl;
  }

  async get(url: string, options: RequestOptions): Promise<unknown> {
    return this.send('GET', url, undefined, options);
  }

  async post(url: string, body: unknown, options: RequestOptions): Promise<unknown> {
    return this.send('POST', url, body, options);
  }

  private async send(method: string, url: string, body: unknown, options: RequestOptions): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])];
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.any(signals) });
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted');
      const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new RetryableError(this.redact(`${method} ${url}: ${timedOut ? `no answer within ${Math.round(options.timeoutMs / 1000)} s` : cause}`));
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      throw new RetryableError(this.redact(`${method} ${url}: the connection broke while reading the answer (${err instanceof Error ? err.message : String(err)})`));
    }
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      throw new RetryableError(this.redact(`${method} ${url}: HTTP ${response.status} ${snippet(text)}`));
    }
    if (response.status === 401 || response.status === 403) {
      throw new EndpointError(`${method} ${url}: HTTP ${response.status}: the server wants an API key; set REFINERY_API_KEY (it is read from the environment only)`, response.status);
    }
    if (!response.ok) throw new EndpointError(this.redact(`${method} ${url}: HTTP ${response.status} ${snippet(text)}`), response.status);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new RetryableError(this.redact(`${method} ${url}: the answer is not JSON (${snippet(text)})`));
    }
  }

  private redact(message: string): string {
    return redactKey(message, this.apiKey);
  }
}

function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}...` : oneLine;
}
