/** Shared setup for the workspace integration tests: temp homes and the shared fixtures. */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const sharedFixtures = resolve(repoRoot, '../shared/fixtures');
export const devsetDocs = join(sharedFixtures, 'devset', 'docs.jsonl');
export const hasDevset = existsSync(devsetDocs);
export const devsetSkipReason = `skipped: ${devsetDocs} is absent (the shared fixtures live beside the repository as ../shared/fixtures)`;
export const badInputFixtures = join(repoRoot, 'test', 'fixtures', 'corpus');

export interface TempHome {
  home: string;
  folder: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** A fresh REFINERY_HOME with an empty corpus folder inside: tests never touch the real home. */
export function tempHome(prefix = 'refinery-ws-'): TempHome {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const folder = join(home, 'corpus');
  mkdirSync(folder);
  return { home, folder, env: { ...process.env, REFINERY_HOME: home }, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}
