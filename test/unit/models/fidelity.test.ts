/**
 * `fidelity` for ProX models, the parts that need no model: how the CLI's flags name it, the
 * 16-bit files a reference run prefers, and programs of the two fidelities never sharing a
 * cache identity.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { specFromFlags } from '../../../main/cli/refine';
import { proxFidelity } from '../../../main/stage-programmers/resolve';
import { resolveProfile } from '../../../main/models/profiles';
import { proxInfo } from '../../../main/models/model-programmer';
import { GENERATED_DIR } from '../../support/tiny-model';

const dir = join(GENERATED_DIR, 'models-fidelity');

beforeEach(() => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
});

describe('--fidelity for ProX models', () => {
  it('is carried by --profile and --doc-model/--chunk-model, and refused for the rules', () => {
    expect(specFromFlags({ profile: 'prox-web', fidelity: 'reference' })).toEqual({ type: 'profile', name: 'prox-web', fidelity: 'reference' });
    expect(specFromFlags({ docModel: 'doc.gguf', chunkModel: 'chunk.gguf', fidelity: 'reference' })).toEqual({ type: 'stages', doc: 'doc.gguf', chunk: 'chunk.gguf', fidelity: 'reference' });
    expect(specFromFlags({ chunkModel: 'chunk.gguf', fidelity: 'improved' })).toEqual({ type: 'stages', doc: undefined, chunk: 'chunk.gguf', fidelity: 'improved' });
    expect(specFromFlags({ docModel: 'doc.gguf' })).toEqual({ type: 'stages', doc: 'doc.gguf', chunk: undefined });
    expect(() => specFromFlags({ fidelity: 'reference' })).toThrow(/--fidelity applies to models/);
    expect(() => specFromFlags({ programmer: 'rules:c4', fidelity: 'improved' })).toThrow(/--fidelity applies to models/);
    expect(() => specFromFlags({ profile: 'prox-web', fidelity: 'faithful' })).toThrow(/--fidelity must be improved or reference, not "faithful"/);
  });

  it('is a ProX fidelity only for ProX specs (UltraX keeps its own)', () => {
    expect(proxFidelity({ type: 'profile', name: 'prox-math', fidelity: 'reference' })).toBe('reference');
    expect(proxFidelity({ type: 'stages', doc: 'x.gguf', fidelity: 'improved' })).toBe('improved');
    expect(proxFidelity({ type: 'stages', doc: 'x.gguf' })).toBeUndefined();
    expect(proxFidelity({ type: 'profile', name: 'ultrax', fidelity: 'reference' })).toBeUndefined();
    expect(proxFidelity({ type: 'stages', ultrax: 'u.gguf', fidelity: 'reference' })).toBeUndefined();
    expect(proxFidelity({ type: 'rules', preset: 'web' })).toBeUndefined();
    // The rules have no fidelity: a spec of rules only leaves the workspace's parser alone.
    expect(proxFidelity({ type: 'stages', doc: 'rules:c4', chunk: 'rules', fidelity: 'reference' })).toBeUndefined();
    expect(proxFidelity({ type: 'stages', doc: 'rules:c4', chunk: 'openai:http://127.0.0.1:8080', fidelity: 'reference' })).toBe('reference');
  });
});

describe('profile files by fidelity', () => {
  it('improved prefers Q8_0; reference prefers F16, then BF16, then F32, and Q8_0 only when nothing finer is there', () => {
    for (const f of ['web-doc-refining-lm.Q8_0.gguf', 'web-doc-refining-lm.F32.gguf', 'web-doc-refining-lm.BF16.gguf', 'web-doc-refining-lm.F16.gguf', 'web-chunk-refining-lm.Q8_0.gguf', 'web-chunk-refining-lm.F32.gguf']) {
      writeFileSync(join(dir, f), '');
    }
    expect(resolveProfile('prox-web', dir).doc).toEqual({ type: 'model', path: join(dir, 'web-doc-refining-lm.Q8_0.gguf') });
    expect(resolveProfile('prox-web', dir, 'improved').chunk).toEqual({ type: 'model', path: join(dir, 'web-chunk-refining-lm.Q8_0.gguf') });
    expect(resolveProfile('prox-web', dir, 'reference').doc).toEqual({ type: 'model', path: join(dir, 'web-doc-refining-lm.F16.gguf') });
    expect(resolveProfile('prox-web', dir, 'reference').chunk).toEqual({ type: 'model', path: join(dir, 'web-chunk-refining-lm.F32.gguf') });
    rmSync(join(dir, 'web-doc-refining-lm.F16.gguf'));
    expect(resolveProfile('prox-web', dir, 'reference').doc).toEqual({ type: 'model', path: join(dir, 'web-doc-refining-lm.BF16.gguf') });
    rmSync(join(dir, 'web-chunk-refining-lm.F32.gguf'));
    expect(resolveProfile('prox-web', dir, 'reference').chunk).toEqual({ type: 'model', path: join(dir, 'web-chunk-refining-lm.Q8_0.gguf') });
  });
});

describe('programmer identity by fidelity', () => {
  it('a reference run has its own id and no grammar version; the improved id is unchanged', () => {
    const improved = proxInfo('/m/web-chunk-refining-lm.F16.gguf', 'abc', 'chunk', 'generate', 0.5, 'keep-inst');
    const explicit = proxInfo('/m/web-chunk-refining-lm.F16.gguf', 'abc', 'chunk', 'generate', 0.5, 'keep-inst', 'improved');
    const reference = proxInfo('/m/web-chunk-refining-lm.F16.gguf', 'abc', 'chunk', 'generate', 0.5, 'reference', 'reference');
    expect(explicit.id).toBe(improved.id);
    expect(improved.id).toBe('model:abc:chunk:greedy:keep-inst:prox-llama2-chat-1:prox-gbnf-2');
    expect(reference.id).toBe('model:abc:chunk:greedy:reference:reference:prox-llama2-chat-1:none');
    expect(reference.grammarVersion).toBe('none');
    expect(reference.label).toMatch(/reference fidelity/);
    expect(reference.parameters).toMatchObject({ fidelity: 'reference', truncation: 'reference' });
  });
});
