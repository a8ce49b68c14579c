import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { PROFILES, ProfileError, resolveProfile, resolveStageSource } from '../../../main/models/profiles';
import { GENERATED_DIR } from '../../support/tiny-model';

const dir = join(GENERATED_DIR, 'models-profiles');

beforeEach(() => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
});

describe('refining profiles', () => {
  it('name the released ProX refiners per stage', () => {
    expect(PROFILES['prox-web'].doc).toMatchObject({ type: 'model', repo: 'gair-prox/web-doc-refining-lm' });
    expect(PROFILES['prox-web'].chunk).toMatchObject({ type: 'model', repo: 'gair-prox/web-chunk-refining-lm' });
    expect(PROFILES['prox-math'].doc).toMatchObject({ type: 'model', repo: 'gair-prox/math-doc-refining-lm', parameters: '0.7B' });
    expect(PROFILES['prox-math'].chunk).toMatchObject({ type: 'model', repo: 'gair-prox/math-chunk-refining-lm' });
  });

  it('resolve to the model files in the folder, preferring Q8_0 over other types', () => {
    for (const f of ['web-doc-refining-lm.Q4_K_M.gguf', 'web-doc-refining-lm.Q8_0.gguf', 'web-chunk-refining-lm.F16.gguf']) writeFileSync(join(dir, f), '');
    const resolved = resolveProfile('prox-web', dir);
    expect(resolved.doc).toEqual({ type: 'model', path: join(dir, 'web-doc-refining-lm.Q8_0.gguf') });
    expect(resolved.chunk).toEqual({ type: 'model', path: join(dir, 'web-chunk-refining-lm.F16.gguf') });
  });

  it('say which model is missing and how to add it', () => {
    writeFileSync(join(dir, 'math-doc-refining-lm.Q8_0.gguf'), '');
    let error: unknown;
    try {
      resolveProfile('prox-math', dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProfileError);
    expect(String(error)).toContain('gair-prox/math-chunk-refining-lm');
    expect(String(error)).toContain('refinery models add');
    expect(String(error)).toContain('refinery models convert');
    // The one-step install, by the profile's real name; no placeholder to fill in.
    expect(String(error)).toContain('refinery models install prox-math');
    expect(String(error)).not.toMatch(/<owner>|repo-with-GGUF/);
    expect(error).toMatchObject({ stage: 'chunk', source: { repo: 'gair-prox/math-chunk-refining-lm' } });
    expect(() => resolveProfile('prox-code', dir)).toThrow(/unknown profile "prox-code"/);
  });

  it('find a GGUF build added by hf: URI under node-llama-cpp\'s hf_<owner>_ name, and name its repository when the model is missing', () => {
    expect(() => resolveProfile('prox-web', dir)).toThrow('refinery models add hf:QuantFactory/web-doc-refining-lm-GGUF:Q8_0');
    writeFileSync(join(dir, 'hf_QuantFactory_web-doc-refining-lm.Q4_K_M.gguf'), '');
    writeFileSync(join(dir, 'web-chunk-refining-lm.Q8_0.gguf'), '');
    expect(resolveProfile('prox-web', dir).doc).toEqual({ type: 'model', path: join(dir, 'hf_QuantFactory_web-doc-refining-lm.Q4_K_M.gguf') });
    writeFileSync(join(dir, 'hf_QuantFactory_web-doc-refining-lm.Q8_0.gguf'), '');
    expect(resolveProfile('prox-web', dir).doc).toEqual({ type: 'model', path: join(dir, 'hf_QuantFactory_web-doc-refining-lm.Q8_0.gguf') });
  });

  it('allow mixed stages: rules for one, a model for the other', () => {
    writeFileSync(join(dir, 'mine.gguf'), '');
    expect(resolveStageSource('rules', dir)).toEqual({ type: 'rules', preset: 'web' });
    expect(resolveStageSource('rules:gopher', dir)).toEqual({ type: 'rules', preset: 'gopher' });
    expect(resolveStageSource('mine', dir)).toEqual({ type: 'model', path: join(dir, 'mine.gguf') });
    expect(() => resolveStageSource('hf:someone/model', dir)).toThrow(/models add/);
  });
});
