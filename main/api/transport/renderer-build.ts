/**
 * The browser shell serves the built renderer from out/renderer. When that build is
 * missing or older than the renderer's sources (a fresh checkout, an edit), build it with
 * Vite's API before serving, so `refinery serve` and the tests never show a stale UI.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const RENDERER_OUT = join(REPO_ROOT, 'out', 'renderer');

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function rendererIsStale(): boolean {
  const index = join(RENDERER_OUT, 'index.html');
  if (!existsSync(index)) return true;
  const sources = [join(REPO_ROOT, 'renderer'), join(REPO_ROOT, 'contract'), join(REPO_ROOT, 'vite.config.ts')].filter(existsSync);
  // A packaged app ships out/renderer without sources: nothing to compare, nothing to build.
  if (sources.length === 0) return false;
  return Math.max(...sources.map(newestMtime)) > statSync(index).mtimeMs;
}

/** Returns true when it had to build. Throws with Vite's message when the build fails. */
export async function ensureRendererBuilt(): Promise<boolean> {
  if (!rendererIsStale()) return false;
  // Vite is a development dependency: load it only when a build is really needed.
  const { build } = await import('vite');
  await build({ configFile: join(REPO_ROOT, 'vite.config.ts'), logLevel: 'error' });
  return true;
}
