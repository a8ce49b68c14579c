import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import { CorpusError, describeFsError } from './errors';
import { extensionOf, formatOf } from './formats';
import type { ReadIssue, ScanEntry, ScanStats, SourceFile } from './types';

export interface ScanOptions {
  /** Follow symbolic links to files and folders (default true). Loops are safe either way. */
  followSymlinks?: boolean;
  /** Filled in during the scan: counts of what was skipped and why. */
  stats?: ScanStats;
  signal?: AbortSignal;
  /** Absolute paths never to read: the workspace's own exports when they sit inside the folder. */
  exclude?: ReadonlySet<string>;
}

export function emptyScanStats(): ScanStats {
  return { files: 0, bytes: 0, unsupported: 0, unsupportedExtensions: [], hidden: 0, duplicates: 0, excluded: 0 };
}

const MAX_LISTED_EXTENSIONS = 10;

/**
 * Every supported file under root, depth-first in name order so re-scans list files in the
 * same order. Hidden entries are skipped; a folder or file reached twice (through symlinks)
 * is listed once, which also makes symlink loops harmless. Problems with one folder or link
 * are yielded as issues and the scan goes on; only an unusable root throws (CorpusError).
 */
export async function* scanFolder(root: string, options: ScanOptions = {}): AsyncGenerator<ScanEntry> {
  const follow = options.followSymlinks ?? true;
  const stats = options.stats ?? emptyScanStats();
  const absRoot = path.resolve(root);
  let rootStat;
  let rootReal: string;
  try {
    rootReal = await fs.realpath(absRoot);
    rootStat = await fs.stat(rootReal);
  } catch (error) {
    throw new CorpusError(`Cannot open ${absRoot}: ${describeFsError(error)}.`);
  }

  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();

  if (rootStat.isFile()) {
    // A single file passed as the "folder": list it alone, relative to its parent.
    const format = formatOf(path.basename(absRoot));
    if (format === null) throw new CorpusError(`${absRoot} is not a supported file (.txt, .md, .jsonl, .jsonl.gz, .jsonl.zst, .json, .parquet).`);
    stats.files += 1;
    stats.bytes += rootStat.size;
    yield { path: absRoot, relPath: path.basename(absRoot), size: rootStat.size, mtimeMs: rootStat.mtimeMs, format };
    return;
  }
  if (!rootStat.isDirectory()) throw new CorpusError(`${absRoot} is neither a folder nor a file.`);

  yield* walk(absRoot, rootReal, '');

  async function* walk(dir: string, realDir: string, relDir: string): AsyncGenerator<ScanEntry> {
    if (seenDirs.has(realDir)) {
      stats.duplicates += 1;
      return;
    }
    seenDirs.add(realDir);
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      yield issue(relDir || '.', `cannot read this folder: ${describeFsError(error)}. Its files were skipped.`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      options.signal?.throwIfAborted();
      const name = entry.name;
      if (name.startsWith('.')) {
        stats.hidden += 1;
        continue;
      }
      const full = path.join(dir, name);
      const rel = relDir ? `${relDir}/${name}` : name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let real = path.join(realDir, name);
      if (entry.isSymbolicLink()) {
        if (!follow) continue;
        try {
          real = await fs.realpath(full);
          const target = await fs.stat(real);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch (error) {
          yield issue(rel, `symbolic link cannot be followed: ${describeFsError(error)}. Fix or remove the link.`);
          continue;
        }
      }
      if (isDir) {
        yield* walk(full, real, rel);
        continue;
      }
      if (!isFile) continue; // sockets, pipes, devices: never corpus files
      if (options.exclude?.has(full) || options.exclude?.has(real)) {
        stats.excluded += 1;
        continue;
      }
      const format = formatOf(name);
      if (format === null) {
        stats.unsupported += 1;
        const ext = extensionOf(name);
        if (stats.unsupportedExtensions.length < MAX_LISTED_EXTENSIONS && !stats.unsupportedExtensions.includes(ext)) {
          stats.unsupportedExtensions.push(ext);
        }
        continue;
      }
      if (seenFiles.has(real)) {
        stats.duplicates += 1;
        continue;
      }
      seenFiles.add(real);
      let fileStat;
      try {
        fileStat = await fs.stat(full);
      } catch (error) {
        yield issue(rel, `cannot read this file: ${describeFsError(error)}. It was skipped.`);
        continue;
      }
      stats.files += 1;
      stats.bytes += fileStat.size;
      const file: SourceFile = { path: full, relPath: rel, size: fileStat.size, mtimeMs: fileStat.mtimeMs, format };
      yield file;
    }
  }
}

function issue(file: string, message: string): { issue: ReadIssue } {
  return { issue: { file, line: null, field: null, message } };
}

export function isScanIssue(entry: ScanEntry): entry is { issue: ReadIssue } {
  return 'issue' in entry;
}
