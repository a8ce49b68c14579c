/**
 * One place where a method call from any transport (HTTP, Electron IPC, tests) meets the
 * handler map: the method name is checked against the contract, the input is validated with
 * its zod schema, and every failure comes back as an ApiErrorBody instead of a throw, so a
 * bad request can never take the app down.
 */
import { z } from 'zod';
import { type ApiErrorBody, type ApiErrorCode, ApiErrorCodeSchema, type CallReply, type EventName, type Handlers, type MethodName, events, isMethodName, methods } from '../../../contract/api';

/** Handlers signal a specific error code by throwing an error carrying one (a WorkspaceError). */
const knownCodes: ReadonlySet<string> = new Set<ApiErrorCode>(ApiErrorCodeSchema.options);

function codeOf(err: unknown): ApiErrorCode {
  if (err && typeof err === 'object' && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string' && knownCodes.has(code)) return code as ApiErrorCode;
  }
  return 'failed';
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(input)'}: ${issue.message}`)
    .join('; ');
}

/** Turns anything thrown into the error body the UI shows. */
export function toApiError(err: unknown): ApiErrorBody {
  if (err instanceof z.ZodError) return { code: 'invalid_input', message: describeIssues(err) };
  const message = err instanceof Error ? err.message : String(err);
  return { code: codeOf(err), message: message || 'unknown failure' };
}

/**
 * Validate and run one call. `rawInput` is whatever arrived over the wire; `undefined`
 * counts as `{}` so that input-less methods can be called with no body.
 */
export async function dispatch(handlers: Handlers, method: string, rawInput: unknown): Promise<CallReply> {
  if (!isMethodName(method)) return { ok: false, error: { code: 'unknown_method', message: `unknown method "${method}"; see contract/api.ts for the list` } };
  const parsed = methods[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) return { ok: false, error: { code: 'invalid_input', message: `${method}: ${describeIssues(parsed.error)}` } };
  try {
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    const result = await handler(parsed.data);
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}

/** A source of contract events (the workspace's emitter, adapted): subscribe returns an unsubscribe. */
export type EventSubscribe = (listener: (event: EventName, payload: unknown) => void) => () => void;

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** Typed convenience for in-process callers (CLI, tests): throws the API error as an Error. */
export class ApiCallError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiCallError';
  }
  get code(): ApiErrorCode {
    return this.body.code;
  }
}

export type { MethodName };
