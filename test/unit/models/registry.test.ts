import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addModel, findModel, listModels, modelsDir } from '../../../main/models/registry';
import { GENERATED_DIR, writeTinyLlamaGguf } from '../../support/tiny-model';

const root = join(GENERATED_DIR, 'models-registry');
const source = join(root, 'source', 'tiny.F32.gguf');

beforeAll(() => {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'source'), { recursive: true });
  writeTinyLlamaGguf(source, { layers: 1, hidden: 32, heads: 4, kvHeads: 1, ffn: 48, context: 128, seed: 5 });
});

describe('modelsDir', () => {
  it('prefers --models-dir, then REFINERY_MODELS_DIR, then the platform data folder', () => {
    expect(modelsDir({ dir: '/x/m', env: { REFINERY_MODELS_DIR: '/y' } })).toBe('/x/m');
    expect(modelsDir({ env: { REFINERY_MODELS_DIR: '/y' } })).toBe('/y');
    // REFINERY_HOME moves the models with the rest of Refinery's data; REFINERY_MODELS_DIR still wins.
    expect(modelsDir({ env: { REFINERY_HOME: '/h' } })).toBe('/h/models');
    expect(modelsDir({ env: { REFINERY_HOME: '/h', REFINERY_MODELS_DIR: '/y' } })).toBe('/y');
    expect(modelsDir({ env: {}, platform: 'linux', home: '/home/u' })).toBe('/home/u/.local/share/refinery/models');
    expect(modelsDir({ env: { XDG_DATA_HOME: '/data' }, platform: 'linux', home: '/home/u' })).toBe('/data/refinery/models');
    expect(modelsDir({ env: {}, platform: 'darwin', home: '/Users/u' })).toBe('/Users/u/Library/Application Support/Refinery/models');
    expect(modelsDir({ env: { LOCALAPPDATA: 'C:/Users/u/AppData/Local' }, platform: 'win32', home: 'C:/Users/u' })).toContain('Refinery');
  });
});

describe('models folder', () => {
  const dir = join(root, 'models');

  it('adds a local GGUF by path: copies it, hashes it, lists it', async () => {
    const added = await addModel(source, { dir });
    const expected = createHash('sha256').update(readFileSync(source)).digest('hex');
    expect(added).toMatchObject({ id: 'tiny.F32', architecture: 'llama', quantization: 'F32', sha256: expected, problem: null });
    expect(existsSync(join(dir, 'tiny.F32.gguf'))).toBe(true);
    const listed = await listModels(dir);
    expect(listed.map((m) => m.id)).toEqual(['tiny.F32']);
    expect(listed[0]!.sha256).toBe(expected);
  });

  it('refuses a wrong checksum and deletes nothing it did not create', async () => {
    await expect(addModel(source, { dir: join(root, 'other'), sha256: '0'.repeat(64) })).rejects.toThrow(/checksum mismatch/);
    expect(existsSync(source)).toBe(true);
  });

  it('refuses a file that is not a model before copying it', async () => {
    const junk = join(root, 'source', 'notes.txt');
    writeFileSync(junk, 'hello');
    await expect(addModel(junk, { dir })).rejects.toThrow(/not a GGUF file/);
    expect(existsSync(join(dir, 'notes.txt.gguf'))).toBe(false);
  });

  it('lists an unusable file with its problem instead of failing the listing', async () => {
    writeFileSync(join(dir, 'broken.gguf'), 'GGUF but not really');
    const broken = (await listModels(dir)).find((m) => m.id === 'broken');
    expect(broken?.problem).toMatch(/header cannot be read|malformed|GGUF/);
    rmSync(join(dir, 'broken.gguf'));
  });

  it('finds a model by id or by path, and explains a miss', () => {
    expect(findModel('tiny.F32', dir)).toBe(join(dir, 'tiny.F32.gguf'));
    expect(findModel(source, dir)).toBe(source);
    expect(() => findModel('nope', dir)).toThrow(/refinery models add/);
  });
});
