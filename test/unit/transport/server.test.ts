import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventHub } from '../../../main/api/transport/event-hub';
import { type RunningServer, startServer } from '../../../main/server';
import { handlerMap } from './handler-map';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP so tests control the Host header (fetch does not allow setting it). */
function send(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const TOKEN = 'test-token-0123456789';
const hub = createEventHub();
let server: RunningServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'refinery-server-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Refinery</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'refinery-secret.txt'), 'TOPSECRET-CONTENT');
  server = await startServer({
    handlers: handlerMap({ 'app.info': async () => ({ version: '9.9.9', shell: 'browser' }) }),
    subscribe: hub.subscribe,
    rendererDir: dir,
    token: TOKEN,
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = (): Record<string, string> => ({ 'x-refinery-token': TOKEN, 'content-type': 'application/json' });

describe('browser shell server', () => {
  it('prints a URL on 127.0.0.1 carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
  });

  it('calls a method with the token header', async () => {
    const reply = await send(server.port, '/api/call/app.info', { method: 'POST', headers: auth(), body: '{}' });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ ok: true, result: { version: '9.9.9', shell: 'browser' } });
  });

  it('refuses calls without or with a wrong token', async () => {
    expect((await send(server.port, '/api/call/app.info', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await send(server.port, '/api/call/app.info', { method: 'POST', headers: { ...auth(), 'x-refinery-token': 'wrong' }, body: '{}' })).status).toBe(401);
    expect((await send(server.port, '/', {})).status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding) even with the token', async () => {
    const reply = await send(server.port, '/api/call/app.info', { method: 'POST', headers: { ...auth(), host: 'evil.example:80' }, body: '{}' });
    expect(reply.status).toBe(421);
  });

  it('refuses cross-origin calls and non-JSON bodies', async () => {
    expect((await send(server.port, '/api/call/app.info', { method: 'POST', headers: { ...auth(), origin: 'http://evil.example' }, body: '{}' })).status).toBe(403);
    expect((await send(server.port, '/api/call/app.info', { method: 'POST', headers: { ...auth(), 'content-type': 'text/plain' }, body: '{}' })).status).toBe(415);
    const broken = await send(server.port, '/api/call/app.info', { method: 'POST', headers: auth(), body: '{oops' });
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body).error.code).toBe('invalid_input');
  });

  it('maps API error codes to HTTP statuses', async () => {
    const unknown = await send(server.port, '/api/call/no.such', { method: 'POST', headers: auth(), body: '{}' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('unknown_method');
    const invalid = await send(server.port, '/api/call/docs.list', { method: 'POST', headers: auth(), body: '{"limit":-1}' });
    expect(invalid.status).toBe(400);
    const failing = await send(server.port, '/api/call/stats.get', { method: 'POST', headers: auth(), body: '{}' });
    expect(failing.status).toBe(500);
    expect(JSON.parse(failing.body).error.message).toContain('stats.get');
  });

  it('trades the URL token for an HttpOnly SameSite cookie, then serves the app with a strict CSP', async () => {
    const first = await send(server.port, `/?token=${TOKEN}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const page = await send(server.port, '/', { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Refinery</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const asset = await send(server.port, '/assets/app.js', { headers: { cookie: cookie.split(';')[0]! } });
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect((await send(server.port, '/?token=nope')).status).toBe(401);
  });

  it("names the token cookie after its port, so two instances (or other services on 127.0.0.1) never share or overwrite it", async () => {
    const other = await startServer({ handlers: handlerMap({}), subscribe: hub.subscribe, rendererDir: dir, token: `${TOKEN}-other` });
    try {
      const mine = String((await send(server.port, `/?token=${TOKEN}`)).headers['set-cookie']).split(';')[0]!;
      const theirs = String((await send(other.port, `/?token=${TOKEN}-other`)).headers['set-cookie']).split(';')[0]!;
      expect(mine).toBe(`refinery_token_${server.port}=${TOKEN}`);
      expect(theirs).toBe(`refinery_token_${other.port}=${TOKEN}-other`);
      // A browser sends both (cookies ignore ports): each server reads only its own.
      const both = `${mine}; ${theirs}`;
      expect((await send(server.port, '/', { headers: { cookie: both } })).status).toBe(200);
      expect((await send(other.port, '/', { headers: { cookie: both } })).status).toBe(200);
      // Another instance's cookie alone is no entry.
      expect((await send(server.port, '/', { headers: { cookie: theirs } })).status).toBe(401);
      expect((await send(server.port, '/', { headers: { cookie: `refinery_token=${TOKEN}` } })).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('never serves files outside the renderer folder', async () => {
    const reply = await send(server.port, '/..%2Frefinery-secret.txt', { headers: { 'x-refinery-token': TOKEN } });
    expect(reply.body).not.toContain('TOPSECRET-CONTENT');
    expect(reply.status).toBeGreaterThanOrEqual(400);
  });

  it('streams events as server-sent events', async () => {
    const received = await new Promise<string>((ok, fail) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/api/events', headers: { host: `127.0.0.1:${server.port}`, 'x-refinery-token': TOKEN } }, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
          if (text.includes(': connected')) hub.emit('export.progress', { done: 3, total: 4, bytes: 99, etaSeconds: 1 });
          if (text.includes('data:')) {
            req.destroy();
            ok(text);
          }
        });
      });
      req.on('error', (e) => (e.message.includes('aborted') ? undefined : fail(e)));
      req.end();
    });
    expect(received).toContain('event: export.progress\ndata: {"done":3,"total":4,"bytes":99,"etaSeconds":1}');
  });
});
