import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../main/api/transport/dispatch';
import { createEventHub } from '../../../main/api/transport/event-hub';
import { handlerMap } from './handler-map';

const seen: unknown[] = [];
const handlers = handlerMap({
  'app.info': async () => ({ version: '1.2.3', shell: 'test' }),
  'docs.list': async (input) => {
    seen.push(input);
    return { total: 0, rows: [] };
  },
  'doc.get': async ({ docId }) => Promise.reject(Object.assign(new Error(`no document ${docId}`), { code: 'not_found' })),
  'refine.status': async () => Promise.reject(new Error('disk on fire')),
});

describe('dispatch', () => {
  it('runs a known method with its parsed input, defaults applied', async () => {
    const result = await dispatch(handlers, 'docs.list', { search: 'cat' });
    expect(result).toEqual({ ok: true, result: { total: 0, rows: [] } });
    expect(seen.at(-1)).toEqual({ filter: 'all', search: 'cat', sort: 'order', descending: false, offset: 0, limit: 200 });
  });

  it('treats a missing body as an empty input', async () => {
    expect(await dispatch(handlers, 'app.info', undefined)).toEqual({ ok: true, result: { version: '1.2.3', shell: 'test' } });
  });

  it('rejects unknown methods, including prototype names', async () => {
    for (const name of ['nope', 'toString', '__proto__', 'constructor']) {
      const result = await dispatch(handlers, name, {});
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('unknown_method');
    }
  });

  it('rejects invalid input naming the field, without calling the handler', async () => {
    const before = seen.length;
    const result = await dispatch(handlers, 'docs.list', { limit: 5000, filter: 'bogus' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_input');
      expect(result.error.message).toContain('limit');
      expect(result.error.message).toContain('filter');
    }
    expect(seen.length).toBe(before);
  });

  it('rejects extra keys on strict (empty) inputs', async () => {
    const result = await dispatch(handlers, 'app.info', { sneaky: 1 });
    expect(result.ok).toBe(false);
  });

  it('keeps the error code a handler throws and maps plain errors to failed', async () => {
    expect(await dispatch(handlers, 'doc.get', { docId: 'x' })).toEqual({ ok: false, error: { code: 'not_found', message: 'no document x' } });
    expect(await dispatch(handlers, 'refine.status', {})).toEqual({ ok: false, error: { code: 'failed', message: 'disk on fire' } });
  });
});

describe('event hub', () => {
  it('delivers valid events to every subscriber until they unsubscribe', () => {
    const hub = createEventHub();
    const a: string[] = [];
    const b: string[] = [];
    const offA = hub.subscribe((event) => a.push(event));
    hub.subscribe((event) => b.push(event));
    hub.emit('export.progress', { done: 1, total: 2, bytes: 10, etaSeconds: null });
    offA();
    hub.emit('export.progress', { done: 2, total: 2, bytes: 20, etaSeconds: 0 });
    expect(a).toEqual(['export.progress']);
    expect(b).toEqual(['export.progress', 'export.progress']);
  });

  it('drops malformed payloads and reports them', () => {
    const problems: string[] = [];
    const hub = createEventHub((m) => problems.push(m));
    const got: unknown[] = [];
    hub.subscribe((_e, p) => got.push(p));
    // @ts-expect-error deliberately malformed payload
    hub.emit('export.progress', { done: 'one' });
    expect(got).toEqual([]);
    expect(problems[0]).toContain('export.progress');
  });
});
