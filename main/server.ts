/**
 * The browser shell: the same renderer and the same handler map as the Electron window,
 * served over HTTP + server-sent events on 127.0.0.1 only. It is how the UI is tested here
 * and how a user reviews a batch on a headless GPU box through an SSH tunnel.
 *
 * Protection, because any web page the user visits can talk to 127.0.0.1:
 * - a random token, given once in the printed URL; the first visit trades it for a
 *   SameSite=Strict HttpOnly cookie (scripts may also send it as the x-refinery-token header);
 * - the Host header must name this server (stops DNS rebinding);
 * - a cross-origin Origin header is refused, and calls must be JSON POSTs (no simple-form CSRF).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { ApiErrorBody, Handlers } from '../contract/api';
import { type EventSubscribe, dispatch } from './api/transport/dispatch';

export interface ServerOptions {
  handlers: Handlers;
  subscribe: EventSubscribe;
  /** Folder with the built renderer (index.html + assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); a random one otherwise. */
  token?: string;
  /** Largest accepted request body. Programs can be long; documents are not sent up. */
  maxBodyBytes?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const TOKEN_HEADER = 'x-refinery-token';
/**
 * The token cookie's name, one per port: cookies are not isolated by port, so one name would be
 * sent to every service on 127.0.0.1 and two Refinery instances would overwrite each other's.
 */
export function tokenCookieName(port: number): string {
  return `refinery_token_${port}`;
}
const HOST = '127.0.0.1';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

const STATUS_BY_CODE: Record<ApiErrorBody['code'], number> = {
  invalid_input: 400,
  unknown_method: 404,
  not_found: 404,
  no_workspace: 409,
  busy: 409,
  failed: 500,
};

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

function baseHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    ...extra,
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, baseHeaders({ 'content-type': 'application/json; charset=utf-8' }));
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, error: ApiErrorBody): void {
  sendJson(res, status, { ok: false, error });
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new Error(`request body over ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = resolve(options.rendererDir);
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const sseClients = new Set<ServerResponse>();
  let port = options.port ?? 0;

  const allowedHosts = (): Set<string> => new Set([`${HOST}:${port}`, `localhost:${port}`]);

  function authorised(req: IncomingMessage): boolean {
    const header = req.headers[TOKEN_HEADER];
    return sameToken(typeof header === 'string' ? header : undefined, token) || sameToken(cookieValue(req, tokenCookieName(port)), token);
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const wanted = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    let file = resolve(join(rendererDir, wanted || 'index.html'));
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return sendError(res, 403, { code: 'invalid_input', message: 'path outside the renderer folder' });
    let info = await stat(file).catch(() => null);
    if (!info || info.isDirectory()) {
      // Client-side routes fall back to the app; missing assets stay 404s.
      if (extname(wanted)) return sendError(res, 404, { code: 'not_found', message: `no such file: ${pathname}` });
      file = join(rendererDir, 'index.html');
      info = await stat(file).catch(() => null);
      if (!info) {
        return sendError(res, 503, { code: 'failed', message: `the renderer is not built (no ${file}); run "npx vite build" or start with "refinery serve", which builds it` });
      }
    }
    res.writeHead(200, baseHeaders({ 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-length': String(info.size) }));
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, baseHeaders({ 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no' }));
    res.write(': connected\n\n');
    sseClients.add(res);
    const unsubscribe = options.subscribe((event, payload) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    // Comments keep SSH tunnels and proxies from closing an idle stream.
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
    const stop = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      sseClients.delete(res);
    };
    req.on('close', stop);
    res.on('error', stop);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts().has(req.headers.host ?? '')) {
      return sendError(res, 421, { code: 'invalid_input', message: `wrong Host header "${req.headers.host ?? ''}"; open http://${HOST}:${port}/` });
    }
    const origin = req.headers.origin;
    if (origin && !allowedHosts().has(origin.replace(/^https?:\/\//, ''))) {
      return sendError(res, 403, { code: 'invalid_input', message: `cross-origin request from ${origin} refused` });
    }
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const queryToken = url.searchParams.get('token') ?? undefined;

    if (url.pathname.startsWith('/api/')) {
      if (!authorised(req)) return sendError(res, 401, { code: 'invalid_input', message: 'missing or wrong token: open the URL printed at start (it ends in ?token=...)' });
      if (url.pathname === '/api/events' && req.method === 'GET') return openEventStream(req, res);
      const call = /^\/api\/call\/([\w.]+)$/.exec(url.pathname);
      if (!call || req.method !== 'POST') return sendError(res, 404, { code: 'unknown_method', message: `no route ${req.method ?? ''} ${url.pathname}` });
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return sendError(res, 415, { code: 'invalid_input', message: 'calls must be POSTed as application/json' });
      }
      let input: unknown;
      try {
        const body = await readBody(req, maxBody);
        input = body.trim() === '' ? {} : JSON.parse(body);
      } catch (err) {
        return sendError(res, 400, { code: 'invalid_input', message: `request body: ${err instanceof Error ? err.message : String(err)}` });
      }
      const result = await dispatch(options.handlers, call[1]!, input);
      if (result.ok) return sendJson(res, 200, result);
      return sendError(res, STATUS_BY_CODE[result.error.code], result.error);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, { code: 'invalid_input', message: `${req.method ?? ''} not allowed here` });
    if (queryToken !== undefined) {
      if (!sameToken(queryToken, token)) return sendError(res, 401, { code: 'invalid_input', message: 'wrong token in the URL: use the URL printed at start' });
      // Trade the token for a cookie and drop it from the address bar (and from history).
      res.writeHead(303, baseHeaders({ location: url.pathname, 'set-cookie': `${tokenCookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/` }));
      return void res.end();
    }
    if (!authorised(req)) {
      res.writeHead(401, baseHeaders({ 'content-type': 'text/plain; charset=utf-8' }));
      return void res.end('Refinery: open the full URL printed when the server started (it ends in ?token=...).\n');
    }
    return serveStatic(req, res, url.pathname);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, { code: 'failed', message: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    });
  });
  // Event streams stay open for hours; Node's whole-request timeout would cut them.
  server.requestTimeout = 0;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, HOST, () => {
      server.off('error', fail);
      ok();
    });
  });
  const address = server.address();
  if (address && typeof address === 'object') port = address.port;

  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((ok) => {
        for (const client of sseClients) client.end();
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
