/**
 * The remote programmer: the stage runner of the in-process model programmer, with decoding
 * done by OpenAI-compatible servers (remote-engine.ts). Prompts are built here, with a local
 * tokenizer, exactly as in-process; at start every endpoint is checked: it answers, serves
 * the expected model (all endpoints the same one), holds a 2,048-token prompt per request, and
 * tokenizes probe texts exactly as the local tokenizer does.
 *
 * A batch never records a failure because a server failed: requests are retried on other
 * endpoints, and when none is left the batch throws (EngineUnavailableError), nothing of it is
 * stored, and the next run asks again.
 */
import { createHash } from 'node:crypto';
import type { ParseMode, Stage } from '../prox/program';
import type { DocumentInput, Programmer, ProgrammerInfo, ProgramRequestOptions, StageProgram } from '../prox/programmer';
import type { PromptTruncation } from '../prox/prompts';
import { renderChunkPrompt, renderDocPrompt } from '../prox/prompts';
import type { Tokenizer } from '../prox/tokens';
import { GRAMMAR_VERSION, PROMPT_VERSION } from '../prox/versions';
import { CONTEXT_SIZE } from '../models/memory-plan';
import { createStageRunner, type DocMode } from '../models/stage-runner';
import { apiKeyFromEnvironment } from './api-key';
import { Endpoint, EndpointError, RetryableError, type EndpointRef, type ServedModel } from './endpoint';
import { EndpointPool, type EndpointStats, type PoolOptions } from './endpoint-pool';
import { createRemoteEngine } from './remote-engine';
import { discover, tokenizeRemotely } from './server-protocol';
import { loadLocalTokenizer, type LocalTokenizer } from './local-tokenizer';
import type { Fidelity } from '../../contract/api';

export interface RemoteProgrammerOptions {
  readonly stage: Stage;
  /** The stage's endpoints; the first one's `#model` (or, without one, what it serves) is the expected model. */
  readonly endpoints: readonly EndpointRef[];
  /** GGUF whose vocabulary builds the prompts; default: the Llama-2 vocabulary of the ProX models. */
  readonly tokenizerPath?: string;
  readonly mode?: DocMode;
  readonly keepThreshold?: number;
  readonly parseMode?: ParseMode;
  readonly truncation?: PromptTruncation;
  /** 'improved' (default) or 'reference' (GAIR-NLP/ProX's prompts, free generation, its parser: stage-runner.ts). */
  readonly fidelity?: Fidelity;
  /** Requests in flight per endpoint when neither the ref (`@N`) nor the server (slots) says; default 8. */
  readonly defaultConcurrency?: number;
  readonly requestTimeoutMs?: number;
  readonly pool?: PoolOptions;
  /** Default: REFINERY_API_KEY. */
  readonly apiKey?: string | null;
  /** Messages worth showing (an endpoint down at start, a tokenizer that cannot be checked). */
  readonly onWarning?: (message: string) => void;
}

export interface RemoteProgrammer extends Programmer {
  /** Per-endpoint state and tokens/s, for progress displays. */
  endpointStats(): EndpointStats[];
}

/** A server that does not fit the stage (wrong model, tokenizer, context): the message says what to change. */
export class RemoteSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteSetupError';
  }
}

/** Texts whose tokens must agree between the local tokenizer and the server's. */
const TOKENIZER_PROBES = [
  renderDocPrompt('Hello world.\n\nThe year 2024 had 366 days; naïve café, 東京, emoji 😀 and tabs\tend.').slice('<s>'.length),
  renderChunkPrompt('[000] Home | About | Contact\n[001]   indented line with   spaces\n[002] </s> <s> [INST] literal tags').slice('<s>'.length),
];

export async function createRemoteProgrammer(options: RemoteProgrammerOptions): Promise<RemoteProgrammer> {
  if (options.endpoints.length === 0) throw new RemoteSetupError('a remote programmer needs at least one endpoint');
  if (options.fidelity === 'reference' && options.stage === 'doc' && options.mode === 'probability') throw new RemoteSetupError('reference fidelity generates the doc-stage answer as GAIR-NLP/ProX does; the probability mode needs fidelity improved');
  const apiKey = options.apiKey === undefined ? apiKeyFromEnvironment() : options.apiKey;
  const endpoints = options.endpoints.map((ref) => new Endpoint(ref, apiKey));
  const expected = options.endpoints[0]!.model;

  const discovered = await Promise.all(
    endpoints.map(async (endpoint) => {
      try {
        return { endpoint, served: await discover(endpoint, { ...endpoint.ref, model: endpoint.ref.model ?? expected }) };
      } catch (err) {
        if (err instanceof RetryableError && endpoints.length > 1) {
          options.onWarning?.(`${endpoint.label} is not answering (${err.message}); going on without it`);
          return null;
        }
        if (err instanceof EndpointError || err instanceof RetryableError) throw new RemoteSetupError(err.message);
        throw err;
      }
    }),
  );
  const live = discovered.filter((d): d is { endpoint: Endpoint; served: ServedModel } => d !== null);
  if (live.length === 0) throw new RemoteSetupError(`none of the endpoints answers: ${endpoints.map((e) => e.label).join(', ')}`);

  const reference = live[0]!;
  for (const { endpoint, served } of live) {
    if (served.id !== reference.served.id || served.fingerprint !== reference.served.fingerprint) {
      throw new RemoteSetupError(
        `${endpoint.label} serves "${served.id}" (${served.fingerprint || 'no details'}) but ${reference.endpoint.label} serves "${reference.served.id}" (${reference.served.fingerprint || 'no details'}); every endpoint of a stage must serve the same model`,
      );
    }
    if (served.contextPerRequest !== null && served.contextPerRequest < CONTEXT_SIZE) {
      throw new RemoteSetupError(
        `${endpoint.label} holds ${served.contextPerRequest} tokens per request but ProX prompts need ${CONTEXT_SIZE}; start llama-server with --ctx-size ${CONTEXT_SIZE} x --parallel (refinery llama-server does), or vLLM with --max-model-len ${CONTEXT_SIZE}`,
      );
    }
  }

  const local: LocalTokenizer = await loadLocalTokenizer(options.tokenizerPath);
  try {
    for (const { endpoint, served } of live) await checkTokenizer(endpoint, served, local, options.onWarning);
  } catch (err) {
    await local.dispose();
    throw err;
  }

  const pool = new EndpointPool(
    live.map(({ endpoint, served }) => ({ endpoint, served, concurrency: endpoint.ref.concurrency ?? served.slots ?? options.defaultConcurrency ?? 8 })),
    options.pool,
  );
  const mode: DocMode = options.stage === 'doc' ? (options.mode ?? 'generate') : 'generate';
  const keepThreshold = options.keepThreshold ?? 0.5;
  const fidelity: Fidelity = options.fidelity ?? 'improved';
  const referenceFidelity = fidelity === 'reference';
  const truncation = options.truncation ?? (referenceFidelity ? 'reference' : 'keep-inst');
  const parseMode = options.parseMode ?? (referenceFidelity ? 'reference' : undefined);
  const grammarVersion = referenceFidelity ? 'none' : GRAMMAR_VERSION;
  const served = reference.served;
  const identity = createHash('sha256').update(`${served.id}\n${served.fingerprint}`).digest('hex').slice(0, 16);
  const parameters: Record<string, string | number | boolean> = { stage: options.stage, mode, model: served.id, truncation, server: served.flavor, fidelity };
  if (mode === 'probability') parameters.keepThreshold = keepThreshold;
  const info: ProgrammerInfo = {
    id: ['remote', served.id, identity, options.stage, mode === 'probability' ? `probability@${keepThreshold}` : 'greedy', truncation, ...(referenceFidelity ? ['reference'] : []), PROMPT_VERSION, grammarVersion].join(':'),
    kind: 'remote',
    label: `${served.id} on ${live.length} endpoint${live.length === 1 ? '' : 's'} (${options.stage} stage${mode === 'probability' ? `, keep if P(keep) >= ${keepThreshold}` : ''}${referenceFidelity ? ', reference fidelity' : ''})`,
    promptVersion: PROMPT_VERSION,
    grammarVersion,
    parameters,
  };

  let disposed = false;
  const writePrograms = async (stage: Stage, docs: readonly DocumentInput[], request: ProgramRequestOptions = {}): Promise<StageProgram[]> => {
    if (disposed) throw new Error('this remote programmer was disposed');
    if (stage !== options.stage) throw new Error(`${info.label} writes ${options.stage}-stage programs, not ${stage}-stage ones`);
    // One abort for the whole batch: when one document finds no endpoint left, the rest stop too.
    const batch = new AbortController();
    const onAbort = () => batch.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const engine = createRemoteEngine({ pool, contextSize: CONTEXT_SIZE, requestTimeoutMs: options.requestTimeoutMs, signal: batch.signal, pieceText: (token) => local.tokenizer.detokenize([token]) });
    const runner = createStageRunner({ stage, engine, tokenizer: local.tokenizer, mode, keepThreshold, parseMode, truncation, fidelity });
    const results: StageProgram[] = new Array(docs.length);
    let cursor = 0;
    const lane = async (): Promise<void> => {
      while (cursor < docs.length && !batch.signal.aborted) {
        const index = cursor++;
        results[index] = await runner.writeProgram(docs[index]!, request.onTokens);
      }
    };
    try {
      const lanes = Math.min(docs.length, Math.max(1, pool.capacity * 2));
      await Promise.all(Array.from({ length: lanes }, () => lane().catch((err: unknown) => {
        batch.abort(err);
        throw err;
      })));
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
    }
    if (request.signal?.aborted) throw request.signal.reason instanceof Error ? request.signal.reason : new Error('aborted');
    return results;
  };

  return {
    info,
    stages: [options.stage],
    writePrograms,
    endpointStats: () => pool.stats(),
    async dispose() {
      disposed = true;
      await local.dispose();
    },
  };
}

async function checkTokenizer(endpoint: Endpoint, served: ServedModel, local: LocalTokenizer, onWarning?: (message: string) => void): Promise<void> {
  for (const probe of TOKENIZER_PROBES) {
    let remote: number[] | null;
    try {
      remote = await tokenizeRemotely(endpoint, served, probe);
    } catch (err) {
      throw new RemoteSetupError(`${endpoint.label}: could not check its tokenizer: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (remote === null) {
      onWarning?.(`${endpoint.label} has no /tokenize, so its tokenizer cannot be checked against ${local.source}`);
      return;
    }
    const mine = withoutBos(local.tokenizer, local.tokenizer.tokenize(probe));
    const theirs = withoutBos(local.tokenizer, remote);
    const at = firstDifference(mine, theirs);
    if (at !== -1) {
      throw new RemoteSetupError(
        `${endpoint.label} ("${served.id}") tokenizes differently from ${local.source}: at token ${at} it has ${theirs[at] ?? 'nothing'} where the local tokenizer has ${mine[at] ?? 'nothing'}. ` +
          'Prompts would not be what the model was trained on: serve a ProX (Llama-2 vocabulary) model, or give the GGUF the server runs as the tokenizer',
      );
    }
  }
}

function withoutBos(tokenizer: Tokenizer, tokens: readonly number[]): readonly number[] {
  return tokens[0] === tokenizer.bos ? tokens.slice(1) : tokens;
}

function firstDifference(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}
