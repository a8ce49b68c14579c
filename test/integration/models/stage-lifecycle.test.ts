/**
 * The resolver's lifecycle for two model stages (real tiny models, real worker processes):
 * the chunk-stage model loads only when the chunk stage sends its first documents, and when
 * the two models do not fit in memory together the doc-stage programmer is disposed first.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveProgrammers, distinctProgrammers, type StageProgrammers } from '../../../main/stage-programmers/resolve';
import type { ModelProgrammer } from '../../../main/models/model-programmer';
import type { Programmer } from '../../../main/prox/programmer';
import { sampleDocs, TEST_THREADS, tinyRefinerPath } from './tiny-models';

let docModel: string;
let chunkModel: string;
let open: StageProgrammers = {};

beforeAll(() => {
  docModel = tinyRefinerPath(11);
  chunkModel = tinyRefinerPath(12);
});
afterEach(async () => {
  await Promise.all(distinctProgrammers(open).map((p) => p.dispose()));
  open = {};
  vi.unstubAllEnvs();
});

const loaded = (p: Programmer | undefined): boolean => {
  try {
    (p as ModelProgrammer).runtime();
    return true;
  } catch {
    return false;
  }
};

async function resolveBoth(freeMemoryBytes: number): Promise<StageProgrammers> {
  vi.stubEnv('REFINERY_LLAMA_THREADS', String(TEST_THREADS));
  open = await resolveProgrammers({ type: 'stages', doc: docModel, chunk: chunkModel }, ['doc', 'chunk'], { freeMemoryBytes });
  return open;
}

describe('stage programmers of a two-model refine', () => {
  it('loads the chunk model only when the chunk stage starts; both stay loaded when they fit', async () => {
    const { doc, chunk } = await resolveBoth(1e12);
    expect(loaded(doc)).toBe(true);
    expect(loaded(chunk)).toBe(false);
    const docs = sampleDocs(2);
    expect((await doc!.writePrograms('doc', docs)).map((p) => p.id)).toEqual(['doc-0', 'doc-1']);
    expect(loaded(chunk)).toBe(false);
    await chunk!.writePrograms('chunk', docs);
    expect(loaded(chunk)).toBe(true);
    // Enough memory: the doc programmer was left alone and still answers.
    expect(await doc!.writePrograms('doc', docs.slice(0, 1))).toHaveLength(1);
  }, 120_000);

  it('disposes the doc programmer before loading the chunk model when both do not fit', async () => {
    // 64 KiB "free": less than the two tiny models' weights and KV caches together.
    const { doc, chunk } = await resolveBoth(64 * 1024);
    const docs = sampleDocs(1);
    expect(await doc!.writePrograms('doc', docs)).toHaveLength(1);
    await chunk!.writePrograms('chunk', docs);
    expect(loaded(chunk)).toBe(true);
    await expect(doc!.writePrograms('doc', docs)).rejects.toThrow(/disposed/);
  }, 120_000);
});
