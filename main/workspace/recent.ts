/** The list of recently opened folders, kept as a small JSON file in the Refinery home. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { recentListPath } from './paths';

export interface RecentWorkspace {
  folder: string;
  openedAt: string;
  documents: number;
}

const MAX_RECENT = 20;

export function readRecent(env: NodeJS.ProcessEnv = process.env): RecentWorkspace[] {
  try {
    const parsed = JSON.parse(readFileSync(recentListPath(env), 'utf8')) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((r): r is RecentWorkspace => typeof r === 'object' && r !== null && typeof (r as RecentWorkspace).folder === 'string');
  } catch {
    return []; // missing or damaged: the list is a convenience, never a reason to fail
  }
}

export function rememberRecent(entry: RecentWorkspace, env: NodeJS.ProcessEnv = process.env): void {
  const list = [entry, ...readRecent(env).filter((r) => r.folder !== entry.folder)].slice(0, MAX_RECENT);
  const path = recentListPath(env);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(list, null, 2));
    renameSync(temp, path);
  } catch {
    // A read-only home only loses the recent list.
  }
}
