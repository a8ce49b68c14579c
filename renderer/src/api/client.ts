/**
 * The renderer's one way to reach the Node side. In Electron the preload bridge
 * (window.refinery) carries calls over IPC; in a browser the same calls go over HTTP and
 * events arrive by server-sent events. Both satisfy the contract's ApiClient.
 */
import { CallReplySchema, type ApiClient, type ApiErrorBody, type EventName, type EventPayload, type MethodInput, type MethodName, type MethodOutput, type ShellBridge } from '../../../contract/api';

export class ApiError extends Error {
  constructor(readonly code: ApiErrorBody['code'] | 'network', message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * A call's reply as the caller wants it: the result, or an ApiError with the reply's own code.
 * Anything that is not a reply (a broken server or preload) is a 'failed' error naming the call.
 */
export function resultOf<M extends MethodName>(method: M, reply: unknown, transport: string): MethodOutput<M> {
  const parsed = CallReplySchema.safeParse(reply);
  if (!parsed.success) throw new ApiError('failed', `${method}: ${transport} gave an answer that is not a call reply`);
  if (!parsed.data.ok) throw new ApiError(parsed.data.error.code, parsed.data.error.message);
  return parsed.data.result as MethodOutput<M>;
}

export type ConnectionState = 'connecting' | 'open' | 'lost';

export interface RendererClient extends ApiClient {
  readonly bridge: ShellBridge | null;
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

function bridgeFromWindow(): ShellBridge | null {
  const candidate = (window as unknown as { refinery?: ShellBridge }).refinery;
  return candidate && candidate.shell === 'electron' ? candidate : null;
}

function httpClient(): RendererClient {
  let source: EventSource | null = null;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';

  const setState = (next: ConnectionState): void => {
    if (next === state) return;
    state = next;
    for (const l of connectionListeners) l(next);
  };

  function attach(es: EventSource, event: string): void {
    es.addEventListener(event, (msg) => {
      let payload: unknown;
      try {
        payload = JSON.parse((msg as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const l of listeners.get(event) ?? []) l(payload);
    });
  }

  function ensureSource(): EventSource {
    if (source) return source;
    const es = new EventSource('/api/events');
    es.onopen = () => setState('open');
    // EventSource retries by itself; say the link is down only if it stays down, and start
    // over when the browser gave up (e.g. the server restarted).
    es.onerror = () => {
      setTimeout(() => {
        if (source !== es || es.readyState === EventSource.OPEN) return;
        setState('lost');
        if (es.readyState === EventSource.CLOSED) {
          es.close();
          source = null;
          setTimeout(ensureSource, 3000);
        }
      }, 1500);
    };
    for (const event of listeners.keys()) attach(es, event);
    source = es;
    return es;
  }

  return {
    bridge: null,
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      let response: Response;
      try {
        response = await fetch(`/api/call/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input ?? {}), credentials: 'same-origin' });
      } catch (err) {
        setState('lost');
        throw new ApiError('network', `the Refinery server did not answer (${err instanceof Error ? err.message : String(err)}); is it still running?`);
      }
      if (state === 'lost' && source?.readyState === EventSource.OPEN) setState('open');
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new ApiError('failed', `${method}: the server answered ${response.status} without a JSON body`);
      }
      return resultOf(method, body, `the server (HTTP ${response.status})`);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
        if (source) attach(source, event);
      }
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      ensureSource();
      return () => set.delete(wrapped);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      ensureSource();
      return () => connectionListeners.delete(listener);
    },
  };
}

export function electronClient(bridge: ShellBridge): RendererClient {
  return {
    bridge,
    async call(method, input) {
      let reply: unknown;
      try {
        reply = await bridge.invoke(method, input);
      } catch (err) {
        // Only a broken IPC link rejects: API errors come back as replies.
        throw new ApiError('failed', `${method}: the app's main process did not answer (${err instanceof Error ? err.message : String(err)})`);
      }
      return resultOf(method, reply, 'the main process');
    },
    on: (event, listener) => bridge.on(event, listener),
    onConnection(listener) {
      listener('open');
      return () => undefined;
    },
  };
}

export function createClient(): RendererClient {
  const bridge = bridgeFromWindow();
  return bridge ? electronClient(bridge) : httpClient();
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
