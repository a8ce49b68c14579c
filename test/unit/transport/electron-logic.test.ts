import { describe, expect, it } from 'vitest';
import { createEventHub } from '../../../main/api/transport/event-hub';
import { watchBatch } from '../../../main/electron/batch-watch';
import { CALL_CHANNEL, DIALOG_CHANNEL } from '../../../main/electron/channels';
import { type DialogRequest, isAppRequest, isTrustedOrigin, routeIpc } from '../../../main/electron/ipc-router';
import type { JobStatus } from '../../../contract/api';
import { handlerMap } from './handler-map';

const dialogs: DialogRequest[] = [];
const services = {
  handlers: handlerMap({ 'app.info': async () => ({ version: '1', shell: 'electron' }) }),
  dialog: async (request: DialogRequest) => {
    dialogs.push(request);
    return request.kind === 'folder' ? '/chosen' : null;
  },
};

describe('IPC router', () => {
  it('dispatches calls with validated input', async () => {
    expect(await routeIpc(services, CALL_CHANNEL, ['app.info', {}])).toEqual({ ok: true, result: { version: '1', shell: 'electron' } });
    const bad = await routeIpc(services, CALL_CHANNEL, ['docs.list', { limit: 'many' }]);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await routeIpc(services, CALL_CHANNEL, ['nope', {}])).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await routeIpc(services, CALL_CHANNEL, [42])).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('validates dialog requests', async () => {
    expect(await routeIpc(services, DIALOG_CHANNEL, ['folder'])).toBe('/chosen');
    expect(await routeIpc(services, DIALOG_CHANNEL, ['export', 'out.jsonl'])).toBeNull();
    expect(dialogs).toEqual([{ kind: 'folder' }, { kind: 'export', defaultName: 'out.jsonl' }]);
    await expect(routeIpc(services, DIALOG_CHANNEL, ['shell', 'rm -rf /'])).rejects.toThrow(/invalid dialog request/);
  });

  it('rejects unknown channels', async () => {
    await expect(routeIpc(services, 'refinery:exec', ['ls'])).rejects.toThrow(/unknown IPC channel/);
  });

  it('trusts only our own renderer page', () => {
    expect(isTrustedOrigin('file:///app/out/renderer/index.html', 'file:///app/out/renderer/index.html')).toBe(true);
    expect(isTrustedOrigin('file:///etc/passwd', 'file:///app/out/renderer/index.html')).toBe(false);
    expect(isTrustedOrigin('https://evil.example/', 'file:///app/out/renderer/index.html')).toBe(false);
    expect(isTrustedOrigin('http://localhost:5173/x', 'http://localhost:5173/')).toBe(true);
    expect(isTrustedOrigin('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isTrustedOrigin('not a url', 'file:///a')).toBe(false);
  });

  it("lets the window load only the app's own files (onBeforeRequest)", () => {
    const dir = '/app/out/renderer';
    expect(isAppRequest('file:///app/out/renderer/index.html', dir)).toBe(true);
    expect(isAppRequest('file:///app/out/renderer/assets/index-abc.js', dir)).toBe(true);
    expect(isAppRequest('data:image/svg+xml;base64,PHN2Zz4=', dir)).toBe(true);
    expect(isAppRequest('devtools://devtools/bundled/inspector.html', dir)).toBe(true);
    // Other local files, also through .. or its encoded form, and a sibling folder sharing the prefix.
    expect(isAppRequest('file:///etc/passwd', dir)).toBe(false);
    expect(isAppRequest('file:///app/out/renderer/../main/index.js', dir)).toBe(false);
    expect(isAppRequest('file:///app/out/renderer/%2e%2e/main/index.js', dir)).toBe(false);
    expect(isAppRequest('file:///app/out/renderer-evil/x.js', dir)).toBe(false);
    expect(isAppRequest('file:///home/user/.ssh/id_rsa', dir)).toBe(false);
    // Nothing remote; the dev server (and its websocket) only while developing.
    expect(isAppRequest('https://evil.example/x.js', dir)).toBe(false);
    expect(isAppRequest('http://localhost:5173/src/main.tsx', dir)).toBe(false);
    expect(isAppRequest('http://localhost:5173/src/main.tsx', dir, 'http://localhost:5173/')).toBe(true);
    expect(isAppRequest('ws://localhost:5173/', dir, 'http://localhost:5173/')).toBe(true);
    expect(isAppRequest('http://localhost:5174/', dir, 'http://localhost:5173/')).toBe(false);
    expect(isAppRequest('http://127.0.0.1:8080/api', dir, 'http://localhost:5173/')).toBe(false);
    expect(isAppRequest('not a url', dir)).toBe(false);
  });
});

function job(state: JobStatus['state'], done = 0, extra: Partial<JobStatus> = {}): JobStatus {
  return { id: 'j', state, programmer: 'rules:c4', spec: { type: 'rules', preset: 'c4' }, stage: 'doc', done, total: 10, stages: [], docsPerSecond: 1, tokensPerSecond: 0, etaSeconds: null, errors: 0, message: null, startedAt: null, ...extra };
}

describe('batch watch', () => {
  it('keeps the machine awake while running and notifies once at the end', () => {
    const hub = createEventHub();
    const log: string[] = [];
    watchBatch(hub.subscribe, { keepAwake: (on) => log.push(on ? 'awake' : 'sleep'), notify: (title, body) => log.push(`${title}: ${body}`) });
    hub.emit('job.progress', job('running', 1));
    hub.emit('job.progress', job('running', 5));
    hub.emit('job.progress', job('paused', 5));
    hub.emit('job.progress', job('running', 6));
    hub.emit('job.progress', job('done', 10, { errors: 2 }));
    hub.emit('job.progress', job('done', 10));
    expect(log).toEqual(['awake', 'sleep', 'awake', 'sleep', 'Batch finished: 10 documents refined, 2 errors.']);
  });

  it('reports a failure with its message', () => {
    const hub = createEventHub();
    const notes: string[] = [];
    watchBatch(hub.subscribe, { keepAwake: () => undefined, notify: (title, body) => notes.push(`${title}: ${body}`) });
    hub.emit('job.progress', job('running'));
    hub.emit('job.progress', job('failed', 3, { message: 'model file missing' }));
    expect(notes).toEqual(['Batch failed: model file missing']);
  });
});
