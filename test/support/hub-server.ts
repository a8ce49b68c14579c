/**
 * A minimal Hugging Face Hub stand-in on 127.0.0.1 for tests: the model-info API
 * (/api/models/<repo>/revision/main with `siblings`) and /<repo>/resolve/main/<file> with
 * Range support, serving local folders. Never the internet.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';

export interface FakeHub {
  readonly endpoint: string;
  /** "METHOD /path" of every request, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

export interface FakeHubOptions {
  /** Milliseconds to wait after every 64 KiB of a file (0: as fast as it goes), so a download takes a while. */
  readonly throttleMs?: number;
}

/** Every file below `folder`, as repository paths (`code/inference.py`), as the Hub lists them. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(folder, path)).isFile())
    .map((path) => relative(folder, join(folder, path)).split('\\').join('/'));
}

/** `repos` maps owner/repo to a folder to serve, or to a bare file list (listed, not served). */
export async function startFakeHub(repos: Record<string, string | string[]>, options: FakeHubOptions = {}): Promise<FakeHub> {
  const requests: string[] = [];
  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/main$/.exec(url.pathname);
    if (api) {
      const repo = repos[api[1]];
      if (repo === undefined) return void res.writeHead(404).end('{"error":"Repository not found"}');
      const files = typeof repo === 'string' ? filesUnder(repo) : repo;
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ id: api[1], siblings: files.map((rfilename) => ({ rfilename })) }));
    }
    const file = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url.pathname);
    const folder = file ? repos[file[1]] : undefined;
    if (!file || typeof folder !== 'string' || !existsSync(join(folder, file[2])) || !statSync(join(folder, file[2])).isFile()) return void res.writeHead(404).end('not found');
    const bytes = readFileSync(join(folder, file[2]));
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const from = range ? Number(range[1]) : 0;
    const to = range && range[2] ? Number(range[2]) : bytes.length - 1;
    const headers = { 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream', 'content-length': String(to - from + 1) };
    if (range) res.writeHead(206, { ...headers, 'content-range': `bytes ${from}-${to}/${bytes.length}` });
    else res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    const throttleMs = options.throttleMs ?? 0;
    if (throttleMs <= 0) return void res.end(bytes.subarray(from, to + 1));
    let offset = from;
    const pump = (): void => {
      if (res.destroyed) return;
      if (offset > to) return void res.end();
      const end = Math.min(offset + 65536, to + 1);
      res.write(bytes.subarray(offset, end));
      offset = end;
      setTimeout(pump, throttleMs);
    };
    pump();
  };
  const server: Server = createServer(serve);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
