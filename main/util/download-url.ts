/**
 * Model downloads go over https only: a model file (or a checkpoint to convert) fetched over
 * plain http can be read and replaced on the way. Tests serve files from 127.0.0.1 over http;
 * they say so explicitly with REFINERY_ALLOW_HTTP_LOOPBACK=1, which admits http to 127.0.0.1
 * and nothing else.
 */
export const ALLOW_HTTP_LOOPBACK_ENV = 'REFINERY_ALLOW_HTTP_LOOPBACK';

export class DownloadUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadUrlError';
  }
}

/** Throws DownloadUrlError unless `url` may be downloaded from; `what` names it in the message. */
export function checkDownloadUrl(url: string, what: string, env: NodeJS.ProcessEnv = process.env): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DownloadUrlError(`${what} "${url}" is not a URL`);
  }
  if (parsed.protocol === 'https:') return;
  const loopback = parsed.hostname === '127.0.0.1';
  if (parsed.protocol === 'http:' && loopback && env[ALLOW_HTTP_LOOPBACK_ENV] === '1') return;
  throw new DownloadUrlError(
    `${what} ${url}: only https downloads are allowed (over ${parsed.protocol.replace(/:$/, '')} a model file can be read and replaced on the way)` +
      (parsed.protocol === 'http:' && loopback ? `; for a test server on 127.0.0.1 set ${ALLOW_HTTP_LOOPBACK_ENV}=1` : '; use the https address'),
  );
}
