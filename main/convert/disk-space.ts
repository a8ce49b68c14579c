/** Free space check before a large write, so a conversion fails at the start, not at 95%. */
import { statfsSync } from 'node:fs';

export type FreeSpaceProbe = (dir: string) => number;

export const freeBytesOnDisk: FreeSpaceProbe = (dir) => {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
};

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Throws when `dir` has less than `needed` bytes plus a small margin free. */
export function ensureFreeSpace(dir: string, needed: number, probe: FreeSpaceProbe = freeBytesOnDisk): void {
  const margin = Math.max(16 << 20, needed * 0.01);
  const free = probe(dir);
  if (free < needed + margin) {
    throw new Error(`not enough free disk space in ${dir}: the output needs ${formatBytes(needed)}, ${formatBytes(free)} is available; free some space or choose another --out location`);
  }
}
