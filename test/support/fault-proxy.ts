/**
 * A tiny HTTP proxy in front of a real server that injects faults: it answers chosen requests
 * with an HTTP error itself (a 5xx storm) and forwards the rest untouched. It counts what it
 * forwarded, so tests can tell that nothing was asked twice.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';

export interface FaultProxy {
  readonly url: string;
  /** Completion requests forwarded to the server and answered by it. */
  readonly forwarded: () => number;
  /** Requests answered with an injected error. */
  readonly injected: () => number;
  close(): Promise<void>;
}

/** `fail(n)` is asked for the n-th completion request (0-based): a status to answer with, or null to forward. */
export async function startFaultProxy(target: string, fail: (n: number) => number | null): Promise<FaultProxy> {
  let completions = 0;
  let forwarded = 0;
  let injected = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const isCompletion = /\/completions?$/.test(req.url ?? '');
      const status = isCompletion ? fail(completions++) : null;
      if (status !== null) {
        injected++;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: status, message: 'injected fault', type: 'server_error' } }));
        return;
      }
      // A server killed mid-answer breaks the answer after its headers went out: the client
      // then sees a broken connection, as it would without the proxy.
      const broken = () => {
        if (res.headersSent) res.destroy();
        else res.writeHead(502).end();
      };
      const upstream = httpRequest(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('error', broken);
        answer.on('end', () => {
          if (isCompletion && answer.statusCode === 200 && answer.complete) forwarded++;
        });
      });
      upstream.on('error', broken);
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded: () => forwarded,
    injected: () => injected,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
