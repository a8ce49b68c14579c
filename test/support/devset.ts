/** The devset (test/fixtures/devset): real web pages with ProX-style gold labels. */
import { readFileSync } from 'node:fs';
import { DEVSET_DOCS, DEVSET_GOLD } from './fixtures';

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

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** The devset documents and gold labels in file order. */
export function loadDevset(): { docs: DevDoc[]; gold: DevGold[] } {
  return { docs: readJsonl<DevDoc>(DEVSET_DOCS), gold: readJsonl<DevGold>(DEVSET_GOLD) };
}
