/**
 * createModelProgrammer end to end: the model runs in a worker process; a document that kills
 * the process is recorded on that document and the batch goes on; bad files never reach llama.cpp.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createModelProgrammer, type ModelProgrammer } from '../../../main/models/model-programmer';
import { ModelFileError } from '../../../main/models/gguf-check';
import { GRAMMAR_VERSION, PROMPT_VERSION } from '../../../main/prox/versions';
import { GENERATED_DIR } from '../../support/tiny-model';
import { rewriteGguf } from '../../unit/models/gguf-fixtures';
import { sampleDocs, TEST_THREADS, tinyRefinerPath } from './tiny-models';

/** Model worker processes started from now on abort on a document holding `marker`; returns the undo. */
function crashOnMarker(marker: string): () => void {
  const saved = { options: process.env.NODE_OPTIONS, marker: process.env.REFINERY_TEST_CRASH_MARKER };
  const preload = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'support', 'abort-on-marker.mjs')).href;
  process.env.NODE_OPTIONS = `${saved.options ?? ''} --import=${preload}`.trim();
  process.env.REFINERY_TEST_CRASH_MARKER = marker;
  return () => {
    if (saved.options === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved.options;
    if (saved.marker === undefined) delete process.env.REFINERY_TEST_CRASH_MARKER;
    else process.env.REFINERY_TEST_CRASH_MARKER = saved.marker;
  };
}

const CRASH_MARKER = 'please-crash-the-model-worker';
const open: ModelProgrammer[] = [];

afterAll(async () => {
  await Promise.all(open.map((p) => p.dispose()));
});

describe('createModelProgrammer', () => {
  it('writes doc programs in input order from a worker process, reports backend and tokens', async () => {
    const programmer = await createModelProgrammer({ stage: 'doc', modelPath: tinyRefinerPath(), sequences: 4, gpu: false, threads: TEST_THREADS });
    open.push(programmer);
    expect(programmer.info.id).toContain(programmer.info.modelHash!);
    expect(programmer.info.id).toContain(PROMPT_VERSION);
    expect(programmer.info.id).toContain(GRAMMAR_VERSION);
    expect(programmer.runtime()).toMatchObject({ runtime: { backend: 'cpu', gpuAvailable: false }, model: { gpuLayers: 0, layers: 2 }, engine: { sequences: 4, contextSize: 2048 } });
    const docs = sampleDocs(7);
    let prompt = 0;
    let generated = 0;
    const results = await programmer.writePrograms('doc', docs, { onTokens: (d) => ((prompt += d.promptTokens), (generated += d.generatedTokens)) });
    expect(results.map((r) => r.id)).toEqual(docs.map((d) => d.id));
    for (const r of results) expect(r.program).toMatch(/^(keep|drop)_doc\(\)$/);
    expect(generated).toBe(results.reduce((sum, r) => sum + r.generatedTokens, 0));
    expect(prompt).toBeGreaterThan(0);
    await expect(programmer.writePrograms('chunk', docs)).rejects.toThrow(/doc-stage programs/);
  });

  it('records the document that kills the worker, restarts it, and finishes the batch', async () => {
    // Worker processes (the first and every restart) inherit this env: the fault injection of
    // test/support/abort-on-marker.mjs, preloaded into each.
    const restore = crashOnMarker(CRASH_MARKER);
    const programmer = await createModelProgrammer({ stage: 'doc', modelPath: tinyRefinerPath(), sequences: 2, gpu: false, threads: TEST_THREADS });
    open.push(programmer);
    const docs = sampleDocs(6);
    docs[3] = { id: 'poison', text: `a page that ${CRASH_MARKER}` };
    const results = await programmer.writePrograms('doc', docs);
    restore();
    expect(results.map((r) => r.id)).toEqual(docs.map((d) => d.id));
    expect(results[3]!.failure).toMatch(/crashed while writing this document's program \(signal SIGABRT\)/);
    expect(results[3]!.program).toBe('');
    for (const [i, r] of results.entries()) if (i !== 3) expect(r.failure, r.id).toBeUndefined();
    expect(programmer.crashes.map((c) => c.docId)).toEqual(['poison']);
    // The restarted worker keeps serving.
    const after = await programmer.writePrograms('doc', sampleDocs(2));
    expect(after.every((r) => r.failure === undefined)).toBe(true);
  });

  it('refuses a missing file and a malformed one before llama.cpp sees them', async () => {
    await expect(createModelProgrammer({ stage: 'doc', modelPath: join(GENERATED_DIR, 'nope.gguf') })).rejects.toBeInstanceOf(ModelFileError);
    const dir = join(GENERATED_DIR, 'models-programmer');
    mkdirSync(dir, { recursive: true });
    const broken = join(dir, 'no-ffn.gguf');
    rewriteGguf(tinyRefinerPath(), broken, { dropMetadata: 'llama.feed_forward_length' });
    await expect(createModelProgrammer({ stage: 'doc', modelPath: broken })).rejects.toThrow(/feed_forward_length/);
  });
});
