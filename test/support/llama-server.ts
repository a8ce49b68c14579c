/**
 * The real llama-server for tests: the binary `refinery llama-server --build-only` put in the
 * user cache folder (scripts/test.sh builds it once in its setup step; tests never build it,
 * the build takes many minutes on 2 cores). Where it has not been built, tests skip and say so.
 */
import { findLlamaServer } from '../../main/llama-server/build';
import { startLlamaServer, type LlamaServerOptions, type RunningLlamaServer } from '../../main/llama-server/process';

export function llamaServerBinary(): { path?: string; reason?: string } {
  try {
    const found = findLlamaServer({ backend: 'cpu' });
    return found ? { path: found.path } : { reason: 'llama-server is not built yet: run `npm run llama-server -- --build-only` (scripts/test.sh does it in its setup)' };
  } catch (err) {
    return { reason: `llama-server is unavailable: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** One thread per server: the test machine's 2 cores are shared with the test runner. */
export function startTestServer(binary: string, model: string, options: Partial<LlamaServerOptions> = {}): Promise<RunningLlamaServer> {
  return startLlamaServer({ binary, model, parallel: 2, threads: 1, ...options });
}
