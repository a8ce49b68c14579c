/** A small handler map for transport tests: the given methods, every other one fails clearly. */
import { type Handlers, type MethodName, methods } from '../../../contract/api';

export function handlerMap(partial: Partial<Handlers>): Handlers {
  const map: Record<string, unknown> = {};
  for (const name of Object.keys(methods) as MethodName[]) {
    map[name] = partial[name] ?? (async () => Promise.reject(Object.assign(new Error(`${name} not in this test map`), { code: 'failed' })));
  }
  return map as Handlers;
}
