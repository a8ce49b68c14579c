/** The tiny random-weight models the model tests run real inference on (Llama-2 vocabulary, 2,048 context). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_DIR, writeTinyLlamaGguf } from '../../support/tiny-model';

/** Written once per machine (deterministic bytes), reused by every model test file. */
export function tinyRefinerPath(seed = 11): string {
  const path = join(GENERATED_DIR, 'models', `tiny-refiner-s${seed}.gguf`);
  if (!existsSync(path)) writeTinyLlamaGguf(path, { vocab: 'llama2', layers: 2, hidden: 64, heads: 4, kvHeads: 1, ffn: 128, context: 2048, seed });
  return path;
}

/** Short web-page-like documents: menus, body text, footers. */
export function sampleDocs(n: number): { id: string; text: string }[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `doc-${i}`,
    text: [`Home | News | About ${i}`, `Article ${i}: the river rose ${i + 2} metres overnight.`, 'Residents were moved to the school hall.', `Copyright 202${i % 10} Example Media`].join('\n'),
  }));
}

/** One thread: llama.cpp spin-waits badly when the machine's cores are shared with other work. */
export const TEST_THREADS = 1;
