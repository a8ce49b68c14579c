/** Shared setup for the workspace integration tests: temp homes and the fixtures. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { Workspace } from '../../../main/workspace/service';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export { DEVSET_DOCS as devsetDocs, BAD_INPUT_DIR as badInputFixtures } from '../../support/fixtures';

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

/** Temp homes and workspaces a test opens, all disposed after each test. */
export function disposedAfterEach(): { home(prefix?: string): TempHome; open(home: TempHome): Workspace } {
  const homes: TempHome[] = [];
  const workspaces: Workspace[] = [];
  afterEach(async () => {
    for (const ws of workspaces.splice(0)) await ws.dispose();
    for (const h of homes.splice(0)) h.cleanup();
  });
  return {
    home(prefix) {
      const h = tempHome(prefix);
      homes.push(h);
      return h;
    },
    open(h) {
      const ws = Workspace.open(h.folder, { env: h.env });
      workspaces.push(ws);
      return ws;
    },
  };
}
