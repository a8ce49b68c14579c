/** The shared devset (../shared/fixtures/devset): real web pages with ProX-style gold labels. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from './llama-vocab';

export interface DevDoc {
  id: string;
  domain: 'web' | 'math';
  text: string;
}

export interface DevGold {
  id: string;
  doc: 'keep' | 'drop';
  noisy_lines: number[];
  normalize: [string, string][];
}

const DEVSET = join(FIXTURES_DIR, 'devset');

function readJsonl<T>(name: string): T[] {
  return readFileSync(join(DEVSET, name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** The devset documents and gold labels in file order, or a message saying why they are unavailable. */
export function loadDevset(): { docs: DevDoc[]; gold: DevGold[] } | string {
  if (!existsSync(join(DEVSET, 'docs.jsonl'))) return `devset not found at ${DEVSET} (shared fixtures absent)`;
  return { docs: readJsonl<DevDoc>('docs.jsonl'), gold: readJsonl<DevGold>('gold.jsonl') };
}
