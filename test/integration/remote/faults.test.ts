/**
 * Faults between the remote programmer and real llama-servers: a 5xx storm (a fault-injecting
 * proxy in front of the server), a server killed in the middle of a batch while another one
 * is up, and the only server killed in the middle of a refine job. In every case nothing is
 * lost (every document gets the program the healthy server writes) and nothing is done twice
 * (each document's completion is answered once; committed batches are not asked again).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRefineJob } from '../../../main/jobs/refine-job';
import type { RunningLlamaServer } from '../../../main/llama-server/process';
import type { DocumentInput, StageProgram } from '../../../main/prox/programmer';
import { parseEndpointRef } from '../../../main/remote/endpoint';
import { createRemoteProgrammer } from '../../../main/remote/remote-programmer';
import { openStore } from '../../../main/store';
import { Workspace } from '../../../main/workspace/service';
import { startFaultProxy } from '../../support/fault-proxy';
import { llamaServerBinary, startTestServer } from '../../support/llama-server';
import { tempHome } from '../workspace/helpers';
import { sampleDocs, tinyRefinerPath } from '../models/tiny-models';

const binary = llamaServerBinary();
const servers: RunningLlamaServer[] = [];
const docs: DocumentInput[] = sampleDocs(12);
let baseline: StageProgram[] = [];
let healthy: RunningLlamaServer;

beforeAll(async () => {
  if (!binary.path) return;
  healthy = await startTestServer(binary.path, tinyRefinerPath());
  servers.push(healthy);
  const programmer = await createRemoteProgrammer({ stage: 'doc', endpoints: [parseEndpointRef(healthy.url)] });
  baseline = await programmer.writePrograms('doc', docs);
  await programmer.dispose();
}, 180_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

const programsOf = (results: readonly StageProgram[]) => results.map((r) => ({ id: r.id, program: r.program, failure: r.failure }));
const fast = { backoffMs: 20, maxBackoffMs: 200, maxAttempts: 12 };

describe.skipIf(!binary.path)(`remote faults on llama-server${binary.reason ? ` (${binary.reason})` : ''}`, () => {
  it('a 5xx storm: every second answer is a 503, yet every document gets its program, asked once', { timeout: 180_000 }, async () => {
    const proxy = await startFaultProxy(healthy.url, (n) => (n % 2 === 0 ? 503 : null));
    try {
      const programmer = await createRemoteProgrammer({ stage: 'doc', endpoints: [parseEndpointRef(`${proxy.url}@2`)], pool: fast });
      const results = await programmer.writePrograms('doc', docs);
      await programmer.dispose();
      expect(programsOf(results)).toEqual(programsOf(baseline));
      expect(proxy.injected()).toBeGreaterThanOrEqual(docs.length);
      expect(proxy.forwarded()).toBe(docs.length);
    } finally {
      await proxy.close();
    }
  });

  it('a server killed in the middle of a batch: its requests go to the other server, nothing lost', { timeout: 240_000 }, async () => {
    const doomed = await startTestServer(binary.path!, tinyRefinerPath());
    servers.push(doomed);
    let killed = false;
    // Kill the server on its third request, while others are in flight.
    const proxy = await startFaultProxy(doomed.url, (n) => {
      if (n === 2 && !killed) {
        killed = true;
        doomed.kill();
      }
      return null;
    });
    try {
      const programmer = await createRemoteProgrammer({ stage: 'doc', endpoints: [parseEndpointRef(`${proxy.url}@2`), parseEndpointRef(`${healthy.url}@2`)], pool: fast });
      const results = await programmer.writePrograms('doc', docs);
      const stats = programmer.endpointStats();
      await programmer.dispose();
      const why = JSON.stringify(stats);
      expect(killed, why).toBe(true);
      expect(programsOf(results), why).toEqual(programsOf(baseline));
      expect(stats.find((s) => s.url.startsWith(proxy.url))!.failures, why).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });

  it('the only server killed mid-refine: the job stops, committed batches stay, a rerun on a new server finishes without asking them again', { timeout: 300_000 }, async () => {
    const home = tempHome('refinery-remote-kill-');
    try {
      writeFileSync(join(home.folder, 'docs.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
      const first = await startTestServer(binary.path!, tinyRefinerPath());
      servers.push(first);
      const ws = Workspace.open(home.folder, { env: home.env });
      await ws.index();
      const store = openStore(ws.dbPath);
      try {
        // Batches are asked one after another, each committed before the next is asked: the
        // server dies when the second batch's first request reaches it.
        const killer = await startFaultProxy(first.url, (n) => {
          if (n === 4) first.kill();
          return null;
        });
        // Short backoff: with the pool's default (up to 30 s, and every concurrent request's failure
        // lengthening it) giving up on the dead server took 2.5 to over 5 minutes.
        const stopped = await runRefineJob(store, { spec: { type: 'stages', doc: `openai:${killer.url}` }, stages: 'doc', batchSize: 4, remotePool: fast });
        await killer.close();
        expect(stopped.state).toBe('failed');
        expect(stopped.message).toMatch(/gave up after|no endpoint/);
        const committed = store.db.prepare("SELECT count(*) FROM programs WHERE stage = 'doc'").pluck().get() as number;
        expect(committed).toBe(4);

        const second = await startTestServer(binary.path!, tinyRefinerPath());
        servers.push(second);
        const proxy = await startFaultProxy(second.url, () => null);
        const done = await runRefineJob(store, { spec: { type: 'stages', doc: `openai:${proxy.url}` }, stages: 'doc', batchSize: 4 });
        await proxy.close();
        expect(done.state).toBe('done');
        expect(proxy.forwarded()).toBe(docs.length - committed);
        const rows = store.db.prepare("SELECT d.id, p.program FROM programs p JOIN documents d ON d.seq = p.doc_seq WHERE p.stage = 'doc' ORDER BY d.seq").all() as { id: string; program: string }[];
        expect(rows).toEqual(baseline.map((b) => ({ id: b.id, program: b.program })));
      } finally {
        store.db.close();
        await ws.dispose();
      }
    } finally {
      home.cleanup();
    }
  });
});
