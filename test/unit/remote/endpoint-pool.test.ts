/**
 * The endpoint pool's routing rules, with tasks standing in for requests: capacity per
 * endpoint, retry on another endpoint after a retryable failure, retirement of an endpoint
 * that serves another model, a 4xx that is the request's own fault, giving up when every
 * endpoint keeps failing. (The same rules against a real llama-server: test/integration/remote.)
 */
import { describe, expect, it } from 'vitest';
import { EngineUnavailableError } from '../../../native/llama/engine';
import { Endpoint, EndpointError, parseEndpointRef, RetryableError, type ServedModel } from '../../../main/remote/endpoint';
import { EndpointPool, type PoolMember } from '../../../main/remote/endpoint-pool';
import { WrongModelError } from '../../../main/remote/server-protocol';

const served: ServedModel = { flavor: 'llama.cpp', id: 'm.gguf', fingerprint: 'x', vocabSize: 32000, contextPerRequest: 2048, slots: 2 };
const member = (url: string, concurrency: number): PoolMember => ({ endpoint: new Endpoint(parseEndpointRef(url), null), served, concurrency });

describe('parseEndpointRef', () => {
  it('adds /v1, reads #model and @concurrency', () => {
    expect(parseEndpointRef('http://a:8080')).toEqual({ baseUrl: 'http://a:8080/v1', model: null, concurrency: null });
    expect(parseEndpointRef('http://a:8080/v1/#web-doc@8')).toEqual({ baseUrl: 'http://a:8080/v1', model: 'web-doc', concurrency: 8 });
    expect(parseEndpointRef('https://h/prefix@3')).toEqual({ baseUrl: 'https://h/prefix/v1', model: null, concurrency: 3 });
  });
  it('refuses what is not an endpoint, and credentials in the URL', () => {
    expect(() => parseEndpointRef('not a url')).toThrow(/not a URL/);
    expect(() => parseEndpointRef('ftp://a/')).toThrow(/only http/);
    expect(() => parseEndpointRef('http://u:secret@a/')).toThrow(/REFINERY_API_KEY/);
    expect(() => parseEndpointRef('http://a/@0')).toThrow(/at least 1/);
  });
});

describe('EndpointPool', () => {
  it('never runs more than each endpoint takes at once, and spreads the work', async () => {
    const pool = new EndpointPool([member('http://a', 2), member('http://b', 3)]);
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    await Promise.all(
      Array.from({ length: 40 }, () =>
        pool.run(async ({ endpoint }) => {
          const n = (inFlight.get(endpoint.label) ?? 0) + 1;
          inFlight.set(endpoint.label, n);
          peak.set(endpoint.label, Math.max(peak.get(endpoint.label) ?? 0, n));
          await new Promise((r) => setTimeout(r, 2));
          inFlight.set(endpoint.label, n - 1);
          return { result: 1, tokens: 10 };
        }),
      ),
    );
    expect(peak.get('http://a/v1')).toBe(2);
    expect(peak.get('http://b/v1')).toBe(3);
    const stats = pool.stats();
    expect(stats.reduce((s, e) => s + e.requests, 0)).toBe(40);
    expect(stats.every((e) => e.requests > 0 && e.tokensPerSecond > 0)).toBe(true);
  });

  it('retries a failed request on the other endpoint and backs the failing one off', async () => {
    const pool = new EndpointPool([member('http://down', 4), member('http://up', 4)], { backoffMs: 60_000 });
    const tried: string[] = [];
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        pool.run(async ({ endpoint }) => {
          tried.push(endpoint.label);
          if (endpoint.label.includes('down')) throw new RetryableError('HTTP 503');
          return { result: i, tokens: 1 };
        }),
      ),
    );
    expect(results).toEqual([0, 1, 2, 3, 4, 5]);
    expect(tried.filter((t) => t.includes('up'))).toHaveLength(6);
    expect(pool.stats().find((s) => s.url.includes('down'))).toMatchObject({ state: 'backing-off', failures: expect.any(Number), lastError: 'HTTP 503' });
  });

  it('retires an endpoint that answers for another model, and fails the request itself on a 4xx', async () => {
    const pool = new EndpointPool([member('http://wrong', 1), member('http://right', 1)]);
    const value = await pool.run(async ({ endpoint }) => {
      if (endpoint.label.includes('wrong')) throw new WrongModelError('answered with model "other"');
      return { result: 'ok', tokens: 1 };
    });
    expect(value).toBe('ok');
    expect(pool.stats().find((s) => s.url.includes('wrong'))!.state).toBe('retired');
    expect(pool.capacity).toBe(1);
    await expect(pool.run(async () => Promise.reject(new EndpointError('HTTP 400 bad prompt', 400)))).rejects.toThrow(/HTTP 400/);
  });

  it('gives up with EngineUnavailableError when every endpoint keeps failing', async () => {
    const pool = new EndpointPool([member('http://a', 1), member('http://b', 1)], { maxAttempts: 4, backoffMs: 1 });
    let calls = 0;
    const failing = pool.run(async () => {
      calls++;
      throw new RetryableError('connection refused');
    });
    await expect(failing).rejects.toBeInstanceOf(EngineUnavailableError);
    await expect(failing).rejects.toThrow(/gave up after 4 tries on 2 endpoint\(s\).*connection refused/);
    expect(calls).toBe(4);
  });
});
