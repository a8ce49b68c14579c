/**
 * Running an UltraX model: a tiny Qwen3 model converted by the real converter (with a made-up
 * instruction in its checkpoint's inference script) writes UltraX programs in a worker process:
 * windows as UltraX cuts them, prompts from the GGUF's own chat template with thinking off,
 * answers constrained by the function-space grammar (or free, at reference fidelity), merged
 * into the document's program; then through a refine job with batching, cache and resume.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelProgrammer, type ModelProgrammer } from '../../../main/models/model-programmer';
import { ultraxSettingsFor } from '../../../main/models/ultrax-model';
import { renderUltraxPrompt } from '../../../main/models/ultrax-prompt';
import { INSTRUCTION_GGUF_KEY } from '../../../main/convert/ultrax-instruction';
import { runRefineJob } from '../../../main/jobs/refine-job';
import { runRefine } from '../../../main/jobs/refine-runner';
import { resolveProgrammers, stagesFor } from '../../../main/stage-programmers/resolve';
import type { Programmer } from '../../../main/prox/programmer';
import { recomputeDerived } from '../../../main/execution/document';
import { readSettings } from '../../../main/execution/settings';
import { openStore, type Store } from '../../../main/store';
import { Workspace } from '../../../main/workspace/service';
import { documentProgram, parseUltraxProgram, splitWindows, ULTRAX_GRAMMAR_VERSION } from '../../../main/ultrax';
import { metadataScalar, readGguf } from '../../../native/gguf';
import { tempHome, type TempHome } from '../workspace/helpers';
import { qwen3ChatTemplate, TEST_INSTRUCTION, writeTinyUltraxGguf } from '../../support/tiny-qwen3';
import { TEST_THREADS } from './tiny-models';

const template = qwen3ChatTemplate();
const skip = typeof template !== 'string';
let home: TempHome;
let gguf = '';
const open: ModelProgrammer[] = [];

beforeAll(() => {
  if (skip) return;
  home = tempHome('refinery-ultrax-');
  gguf = writeTinyUltraxGguf(home.home, join(home.home, 'UltraX-0.6B-Preview.F32.gguf'), { chatTemplate: template });
});
afterAll(async () => {
  await Promise.all(open.map((p) => p.dispose()));
  home?.cleanup();
});

const DOCS = [
  { id: 'short', text: 'Home | Shop | Cart\nThe bridge reopened on Monday after repairs.\nShare on social media' },
  { id: 'long', text: Array.from({ length: 12 }, (_, i) => `Paragraph ${i + 1}: the council met and voted on item ${i}.`).join('\n') },
  { id: 'blank', text: '  \n ' },
];

async function programmer(options: { fidelity?: 'improved' | 'reference'; maxChars?: number } = {}): Promise<ModelProgrammer> {
  const settings = ultraxSettingsFor(gguf, { maxChars: options.maxChars ?? 160, maxNewTokens: 24, fidelity: options.fidelity });
  const p = await createModelProgrammer({ stage: 'ultrax', modelPath: gguf, ultrax: settings, sequences: 2, gpu: false, threads: TEST_THREADS });
  open.push(p);
  return p;
}

describe.skipIf(skip)(`UltraX model${skip ? ` (skipped: ${(template as { reason: string }).reason})` : ''}`, () => {
  it("the converted model carries its chat template and the checkpoint's instruction; prompts are the template with thinking off", () => {
    const file = readGguf(gguf);
    expect(metadataScalar(file, 'tokenizer.chat_template')).toBe(template);
    expect(metadataScalar(file, INSTRUCTION_GGUF_KEY)).toBe(TEST_INSTRUCTION);
    const settings = ultraxSettingsFor(gguf);
    expect(settings).toMatchObject({ fidelity: 'improved', maxChars: 48_000, overlapRatio: 0.2, contextSize: 4096, maxNewTokens: 4096 });
    expect(settings.instruction).toMatchObject({ text: TEST_INSTRUCTION, released: false });
    expect(ultraxSettingsFor(gguf, { fidelity: 'reference' }).contextSize).toBe(4096); // capped by the model's own context
    const window = splitWindows('one\ntwo')[0]!;
    expect(renderUltraxPrompt(template as string, settings.instruction.text, window.text)).toBe(
      `<|im_start|>system\n${TEST_INSTRUCTION}<|im_end|>\n<|im_start|>user\n<lid:1>one\n<lid:2>two<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n`,
    );
  });

  it('says where to get the instruction when the model does not carry it, and reads a given inference script', () => {
    const bare = writeTinyUltraxGguf(join(home.home, 'bare'), join(home.home, 'bare.gguf'), { chatTemplate: template as string, instruction: null });
    expect(() => ultraxSettingsFor(bare)).toThrow(/system instruction is not in this file, and Refinery does not ship it .*--ultrax-instruction <file>/);
    const script = join(home.home, 'inference.py');
    writeFileSync(script, 'SYSTEM_INSTRUCTION = """\\\nFirst line\\tand a tab.\nSecond line."""\n');
    expect(ultraxSettingsFor(bare, { instruction: script }).instruction).toMatchObject({ text: 'First line\tand a tab.\nSecond line.', released: false, source: script });
  });

  it('writes one program per document from its windows; constrained answers are calls; the program is their merge', async () => {
    const p = await programmer();
    expect(p.info.grammarVersion).toBe(ULTRAX_GRAMMAR_VERSION);
    expect(p.info.label).toMatch(/UltraX, custom instruction/);
    let tokens = 0;
    const results = await p.writePrograms('ultrax', DOCS, { onTokens: (d) => (tokens += d.promptTokens + d.generatedTokens) });
    expect(results.map((r) => r.id)).toEqual(DOCS.map((d) => d.id));
    expect(tokens).toBeGreaterThan(0);
    for (const [i, r] of results.entries()) {
      const text = DOCS[i]!.text;
      expect(r.failure).toBeUndefined();
      if (r.id === 'blank') {
        expect([r.program, r.chunks]).toEqual(['', undefined]);
        continue;
      }
      const windows = splitWindows(text, 160);
      expect(r.chunks!.map((c) => [c.firstLine + 1, c.lastLine + 1])).toEqual(windows.map((w) => [w.startLine, w.endLine]));
      expect(r.program).toBe(documentProgram(text, windows, r.chunks!.map((c) => ({ response: c.skipped ? null : c.program }))));
      for (const chunk of r.chunks!) {
        // Every answer line the token limit did not cut is a call or a comment.
        const lines = chunk.program.split('\n');
        const complete = lines.slice(0, -1).filter((l) => l.trim() !== '');
        const parsed = parseUltraxProgram(complete.join('\n'));
        expect(parsed.calls.length + parsed.ignored.filter((x) => x.reason === 'comment').length, chunk.program).toBe(complete.length);
      }
    }
    expect(results.find((r) => r.id === 'long')!.chunks!.length).toBeGreaterThan(1);
  });

  it('reference fidelity generates without a grammar, under its own cache identity', async () => {
    const improved = await programmer();
    const reference = await programmer({ fidelity: 'reference' });
    expect(reference.info.grammarVersion).toBe('none');
    expect(reference.info.id).not.toBe(improved.info.id);
    const [result] = await reference.writePrograms('ultrax', [DOCS[0]!]);
    expect(result!.failure).toBeUndefined();
    expect(result!.chunks).toHaveLength(1);
  });
});

describe.skipIf(skip)('UltraX in a refine job', () => {
  it('batches, stores, caches and resumes like the ProX stages; its programs replace ProX ones and are reviewed as UltraX operations', async () => {
    const h = tempHome('refinery-ultrax-ws-');
    const docs = DOCS.concat(Array.from({ length: 5 }, (_, i) => ({ id: `n${i}`, text: `News ${i}\nThe market opened at ${i} o'clock.\nSubscribe now` })));
    writeFileSync(join(h.folder, 'docs.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n'));
    const ws = Workspace.open(h.folder, { env: h.env });
    let store: Store | undefined;
    try {
      await ws.index();
      const total = ws.summary().documents;
      expect(total).toBe(docs.length);
      // The runner on its own connection, as a refine job's worker thread has.
      store = openStore(ws.dbPath);
      const st = store;
      await runRefineJob(st, { spec: { type: 'rules', preset: 'web' }, stages: 'both' });
      expect(ws.getDoc('short').doc).not.toBeNull();

      const spec = { type: 'stages' as const, ultrax: gguf, ultraxOptions: { maxChars: 160, maxNewTokens: 24 } };
      const { ultrax } = await resolveProgrammers(spec, stagesFor(spec, 'both'));
      const counted = counting(ultrax!);
      const run = (signal?: AbortSignal, gate?: () => Promise<void>) =>
        runRefine(st, { stages: ['ultrax'], programmers: { ultrax: counted }, batchSize: 3, signal, gate, recompute: (seq) => recomputeDerived(st, seq, readSettings(st)) });
      try {
        // Stopped after the first committed batch, then run again: nothing is asked twice.
        const abort = new AbortController();
        let batches = 0;
        const stopBeforeSecond = async (): Promise<void> => {
          if (++batches === 2) abort.abort();
        };
        expect(await run(abort.signal, stopBeforeSecond)).toMatchObject({ cancelled: true, processed: { ultrax: 3 } });
        expect(await run()).toMatchObject({ cancelled: false, processed: { ultrax: total - 3 } });
        expect([...counted.asked].sort()).toEqual(docs.map((d) => d.id).sort());
        expect(await run()).toMatchObject({ processed: { ultrax: 0 } });
      } finally {
        await counted.dispose();
      }
      // The same programmer in a job: everything comes from the cache.
      const job = await runRefineJob(st, { spec, stages: 'both', batchSize: 3 });
      expect(job).toMatchObject({ state: 'done', errors: 0 });

      const detail = ws.getDoc('long');
      expect(detail.doc).toBeNull();
      expect(detail.chunk).toBeNull();
      expect(detail.ultrax?.programmer).toMatch(/UltraX/);
      expect(detail.execution.operations.every((op) => op.stage === 'ultrax')).toBe(true);
      expect(ws.listDocs({ filter: 'pending', search: '', sort: 'order', descending: false, offset: 0, limit: 100 }).total).toBe(0);
      const wrongStage = await runRefineJob(st, { spec, stages: 'doc' });
      expect(wrongStage).toMatchObject({ state: 'failed', message: expect.stringMatching(/UltraX writes one program per document/) });
    } finally {
      store?.db.close();
      await ws.dispose();
      h.cleanup();
    }
  });
});

/** The real programmer, counting what it is asked (to prove resume and cache keep work from it). */
function counting(inner: Programmer): Programmer & { asked: string[] } {
  const asked: string[] = [];
  return {
    info: inner.info,
    stages: inner.stages,
    asked,
    async writePrograms(stage, docs, options) {
      asked.push(...docs.map((d) => d.id));
      return inner.writePrograms(stage, docs, options);
    },
    dispose: () => inner.dispose(),
  };
}
