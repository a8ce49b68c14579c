import { describe, expect, it } from 'vitest';
import { createEventHub } from '../../../main/api/transport/event-hub';
import { watchBatch } from '../../../main/electron/batch-watch';
import { CALL_CHANNEL, DIALOG_CHANNEL } from '../../../main/electron/channels';
import { type DialogRequest, isTrustedOrigin, routeIpc } from '../../../main/electron/ipc-router';
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
