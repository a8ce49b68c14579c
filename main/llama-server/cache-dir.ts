/**
 * The per-user cache folder: things Refinery can rebuild (a compiled llama-server) but would
 * rather not. REFINERY_CACHE_DIR overrides it (CI and shared clusters point it at a fast disk).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function refineryCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REFINERY_CACHE_DIR) return resolve(env.REFINERY_CACHE_DIR);
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'refinery', 'cache');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'refinery');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'refinery');
}
