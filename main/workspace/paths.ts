/**
 * Where workspace databases live: one SQLite file per folder under the per-user data
 * directory, so a read-only corpus folder can still be indexed. REFINERY_HOME overrides the
 * data directory (tests always set it to a temp folder).
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function refineryHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REFINERY_HOME) return resolve(env.REFINERY_HOME);
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'refinery');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'refinery');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'refinery');
}

/** The default database of a folder: the hash keeps names short and safe on every file system. */
export function defaultDatabasePath(folder: string, env: NodeJS.ProcessEnv = process.env): string {
  const key = createHash('sha256').update(resolve(folder)).digest('hex').slice(0, 16);
  return join(refineryHome(env), 'workspaces', `${key}.sqlite`);
}

export function recentListPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(refineryHome(env), 'recent.json');
}
