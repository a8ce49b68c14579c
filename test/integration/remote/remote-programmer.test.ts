/**
 * The remote programmer against the real llama-server (built from node-llama-cpp's bundled
 * llama.cpp source): the same programs as the same GGUF run in-process, for both stages and
 * for P(keep); the prompt token ids agree with the server's /tokenize; a wrong model, a wrong
 * tokenizer and a missing API key are refused at start with a message saying what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelProgrammer } from '../../../main/models/model-programmer';
import { createRemoteProgrammer, RemoteSetupError } from '../../../main/remote/remote-programmer';
import { parseEndpointRef } from '../../../main/remote/endpoint';
import { buildPromptTokens, renderDocPrompt } from '../../../main/prox/prompts';
import { loadLocalTokenizer } from '../../../main/remote/local-tokenizer';
import type { RunningLlamaServer } from '../../../main/llama-server/process';
import type { DocumentInput, Programmer, StageProgram } from '../../../main/prox/programmer';
import type { Stage } from '../../../main/prox/program';
import { llamaServerBinary, startTestServer } from '../../support/llama-server';
import { sampleDocs, TEST_THREADS, tinyRefinerPath } from '../models/tiny-models';
import { GENERATED_DIR, writeTinyLlamaGguf } from '../../support/tiny-model';
import { scriptedModelPath } from '../../support/scripted-llama';
import { join } from 'node:path';
import { existsSync } from 'node:fs';

const binary = llamaServerBinary();
const servers: RunningLlamaServer[] = [];
const programmers: Programmer[] = [];
let server: RunningLlamaServer;

beforeAll(async () => {
  if (!binary.path) return;
  server = await startTestServer(binary.path, tinyRefinerPath());
  servers.push(server);
});
afterAll(async () => {
  await Promise.all(programmers.map((p) => p.dispose()));
  await Promise.all(servers.map((s) => s.stop()));
});

const docs: DocumentInput[] = [
  ...sampleDocs(6),
  { id: 'long', text: Array.from({ length: 400 }, (_, i) => `Line ${i}: a sentence about rivers, bridges and the 2024 floods.`).join('\n') },
  { id: 'unicode', text: 'Café naïve 東京 😀\n\n  indented\tand </s> <s> [INST] tags' },
];

async function programsOf(programmer: Programmer, stage: Stage): Promise<StageProgram[]> {
  programmers.push(programmer);
  return programmer.writePrograms(stage, docs);
}

const comparable = (p: StageProgram) => ({ id: p.id, program: p.program, chunks: p.chunks, failure: p.failure, promptTokens: p.promptTokens, generatedTokens: p.generatedTokens });

describe.skipIf(!binary.path)(`remote programmer on llama-server${binary.reason ? ` (${binary.reason})` : ''}`, () => {
  it('writes the same doc programs as the same GGUF in-process', { timeout: 240_000 }, async () => {
    const url = `${server.url}/v1`;
    const remote = await programsOf(await createRemoteProgrammer({ stage: 'doc', endpoints: [parseEndpointRef(url)] }), 'doc');
    const local = await programsOf(await createModelProgrammer({ stage: 'doc', modelPath: tinyRefinerPath(), sequences: 2, gpu: false, threads: TEST_THREADS }), 'doc');
    expect(remote.map(comparable)).toEqual(local.map(comparable));
    expect(remote.every((p) => /^(keep|drop)_doc\(\)$/.test(p.program))).toBe(true);
  });

  it('writes the same chunk programs (grammar through the server, 256-token cap)', { timeout: 400_000 }, async () => {
    const remote = await programsOf(await createRemoteProgrammer({ stage: 'chunk', endpoints: [parseEndpointRef(server.url)] }), 'chunk');
    const local = await programsOf(await createModelProgrammer({ stage: 'chunk', modelPath: tinyRefinerPath(), sequences: 2, gpu: false, threads: TEST_THREADS }), 'chunk');
    expect(remote.map(comparable)).toEqual(local.map(comparable));
    expect(remote.some((p) => p.program !== '')).toBe(true);
  });

  // A scripted model (test/support/scripted-llama.ts) writes ASCII only: llama-server answers HTTP 500
  // ("does not match the expected Content-only format") when a free answer is cut inside a UTF-8
  // character, which a random model's free answers are (reported; see the fidelity report).
  it('reference fidelity: the same free answers as in-process (no grammar, cut-off answers kept, long doc prompts cut), under its own identity', { timeout: 400_000 }, async () => {
    const looping = scriptedModelPath({ text: 'remove_lines(start=1, end=2)\n', end: 'loop' }).path;
    const scriptedServer = await startTestServer(binary.path!, looping);
    servers.push(scriptedServer);
    const few = [...sampleDocs(2), docs.find((d) => d.id === 'long')!];
    for (const stage of ['doc', 'chunk'] as const) {
      const remoteProgrammer = await createRemoteProgrammer({ stage, fidelity: 'reference', endpoints: [parseEndpointRef(scriptedServer.url)] });
      const localProgrammer = await createModelProgrammer({ stage, fidelity: 'reference', modelPath: looping, sequences: 2, gpu: false, threads: TEST_THREADS });
      programmers.push(remoteProgrammer, localProgrammer);
      const remote = await remoteProgrammer.writePrograms(stage, few);
      const local = await localProgrammer.writePrograms(stage, few);
      expect(remote.map(comparable), stage).toEqual(local.map(comparable));
      expect(remoteProgrammer.info.id).toMatch(/:reference:prox-llama2-chat-1:none$/);
      expect(remoteProgrammer.info.grammarVersion).toBe('none');
      if (stage === 'doc') {
        // The long document's prompt is cut at 2,000 tokens: 48 free tokens fill the context.
        expect(remote.map((p) => p.promptTokens)[2]).toBe(2000);
        expect(remote[2]!.generatedTokens).toBe(48);
      } else {
        // Every chunk answer runs into the 256-token budget and is kept as written.
        for (const p of remote) for (const c of p.chunks!) expect([c.skipped, c.program.startsWith('remove_lines(start=1, end=2)\nremove_lines(')]).toEqual([undefined, true]);
      }
    }
  });

  it('an answer llama-server refuses (cut inside a UTF-8 character) fails its document, saying why, and the batch goes on', { timeout: 400_000 }, async () => {
    // The random model's free answers are cut at 256 tokens, often inside a character.
    const remoteProgrammer = await createRemoteProgrammer({ stage: 'chunk', fidelity: 'reference', endpoints: [parseEndpointRef(server.url)] });
    const localProgrammer = await createModelProgrammer({ stage: 'chunk', fidelity: 'reference', modelPath: tinyRefinerPath(), sequences: 2, gpu: false, threads: TEST_THREADS });
    programmers.push(remoteProgrammer, localProgrammer);
    const few = sampleDocs(3);
    const remote = await remoteProgrammer.writePrograms('chunk', few);
    const local = await localProgrammer.writePrograms('chunk', few);
    expect(remote.map((p) => p.id)).toEqual(few.map((d) => d.id));
    const refused = remote.filter((p) => p.failure !== undefined);
    expect(refused.length).toBeGreaterThan(0);
    for (const p of refused) expect(p.failure).toMatch(/refused the answer: it was cut off at the 256-token limit inside a UTF-8 character/);
    // The others are the in-process answers.
    remote.forEach((p, i) => {
      if (p.failure === undefined) expect(comparable(p)).toEqual(comparable(local[i]!));
    });
  });

  // Exact when both class answers commit at the same step; this random-weight model often starts
  // one class with a bare space, where the remote figure is taken one step later (a follow-up).
  it('gives P(keep) from the server logprobs with the same keep/drop decision as in-process', { timeout: 240_000 }, async () => {
    const remote = await programsOf(await createRemoteProgrammer({ stage: 'doc', mode: 'probability', endpoints: [parseEndpointRef(server.url)] }), 'doc');
    const local = await programsOf(await createModelProgrammer({ stage: 'doc', mode: 'probability', modelPath: tinyRefinerPath(), sequences: 2, gpu: false, threads: TEST_THREADS }), 'doc');
    remote.forEach((r, i) => {
      expect(r.failure).toBeUndefined();
      expect(r.program).toBe(local[i]!.program);
      expect(r.keepProbability! >= 0.5).toBe(local[i]!.keepProbability! >= 0.5);
      expect(Math.abs(r.keepProbability! - local[i]!.keepProbability!)).toBeLessThan(0.25);
    });
  });

  it('builds prompt token ids that the server tokenizes the same way', async () => {
    const { tokenizer, dispose } = await loadLocalTokenizer();
    try {
      for (const doc of docs) {
        const prompt = buildPromptTokens('doc', doc.text, tokenizer);
        const rendered = renderDocPrompt(doc.text).slice('<s>'.length);
        const response = await fetch(`${server.url}/tokenize`, { method: 'POST', body: JSON.stringify({ content: rendered, add_special: false, parse_special: false }) });
        const { tokens } = (await response.json()) as { tokens: number[] };
        // A cut prompt (the long document) agrees up to where the document was cut.
        const compared = prompt.truncated ? prompt.tokens.length - 16 : prompt.tokens.length;
        expect(prompt.tokens[0]).toBe(tokenizer.bos);
        expect(prompt.tokens.slice(1, compared)).toEqual(tokens.slice(0, compared - 1));
        if (!prompt.truncated) expect(prompt.tokens.length).toBe(tokens.length + 1);
      }
    } finally {
      await dispose();
    }
  });

  it('refuses a server that serves another model than the one named', async () => {
    const attempt = createRemoteProgrammer({ stage: 'doc', endpoints: [parseEndpointRef(`${server.url}/v1#web-doc-refining-lm`)] });
    await expect(attempt).rejects.toBeInstanceOf(RemoteSetupError);
    await expect(attempt).rejects.toThrow(/serves ".*tiny-refiner-s11\.gguf", not the expected "web-doc-refining-lm"/);
  });

  it('refuses two endpoints that serve different models', { timeout: 120_000 }, async () => {
    const other = await startTestServer(binary.path!, tinyRefinerPath(12), { alias: 'tiny-refiner-s11.gguf' });
    servers.push(other);
    const attempt = createRemoteProgrammer({ stage: 'doc', endpoints: [parseEndpointRef(server.url), parseEndpointRef(other.url)] });
    await expect(attempt).rejects.toThrow(/every endpoint of a stage must serve the same model/);
    await other.stop();
  });

  it('refuses a server whose tokenizer differs from the ProX (Llama-2) vocabulary', { timeout: 120_000 }, async () => {
    const path = join(GENERATED_DIR, 'models', 'tiny-vocab-refiner.gguf');
    if (!existsSync(path)) writeTinyLlamaGguf(path, { vocab: 'tiny', layers: 1, hidden: 32, heads: 2, kvHeads: 1, ffn: 64, context: 2048, seed: 5 });
    const other = await startTestServer(binary.path!, path);
    servers.push(other);
    await expect(createRemoteProgrammer({ stage: 'doc', endpoints: [parseEndpointRef(other.url)] })).rejects.toThrow(/tokenizes differently from the Llama-2 vocabulary/);
    await other.stop();
  });

  it('takes the API key from REFINERY_API_KEY only, and never prints it', { timeout: 120_000 }, async () => {
    const key = 'sk-test-0123456789abcdef';
    const guarded = await startTestServer(binary.path!, tinyRefinerPath(), { apiKey: key });
    servers.push(guarded);
    const refused = createRemoteProgrammer({ stage: 'doc', endpoints: [parseEndpointRef(guarded.url)], apiKey: null });
    await expect(refused).rejects.toThrow(/API key; set REFINERY_API_KEY/);
    const wrong = await createRemoteProgrammer({ stage: 'doc', endpoints: [parseEndpointRef(guarded.url)], apiKey: 'sk-wrong-key' }).catch((err: Error) => err);
    expect(String(wrong)).not.toContain('sk-wrong-key');
    const ok = await createRemoteProgrammer({ stage: 'doc', endpoints: [parseEndpointRef(guarded.url)], apiKey: key });
    programmers.push(ok);
    const [program] = await ok.writePrograms('doc', docs.slice(0, 1));
    expect(program!.program).toMatch(/_doc\(\)$/);
    await guarded.stop();
  });
});
