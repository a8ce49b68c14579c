/**
 * What the workspace commands (index, refine, export, stats) share: the --db option, opening
 * the workspace with user-facing errors, and a progress display (a bar on a terminal, plain
 * lines otherwise, e.g. in CI logs or when piped).
 */
import { printable } from './printable';
import { parseShard, ShardSpecError, type Shard } from '../shards/shard';
import { defaultDatabasePath } from '../workspace/paths';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { ReadIssue } from '../corpus/types';
import { DatabaseOpenError } from '../../native/sqlite/database';
import { WorkspaceError } from '../workspace/errors';
import { Workspace } from '../workspace/service';
import { CliError } from './errors';

export interface DbOptions {
  db?: string;
}

export function addDbOption(command: Command): Command {
  return command.option('--db <file>', 'workspace database file (default: <data dir>/refinery/workspaces/<hash of folder>.sqlite; REFINERY_HOME moves the data dir)');
}

export function openWorkspace(folder: string, options: DbOptions & { textField?: string; idField?: string; shard?: Shard }): Workspace {
  try {
    // A shard worker's own database sits beside the folder's: <folder's db>.shard-<i>-of-<N>.sqlite.
    const dbPath = options.db ?? (options.shard ? shardDatabasePath(folder, options.shard) : undefined);
    return Workspace.open(folder, { dbPath, textField: options.textField, idField: options.idField, shard: options.shard });
  } catch (err) {
    if (err instanceof WorkspaceError || err instanceof DatabaseOpenError) throw new CliError(printable(err.message));
    throw err;
  }
}

export function shardDatabasePath(folder: string, shard: Shard): string {
  return defaultDatabasePath(folder).replace(/\.sqlite$/, `.shard-${shard.index}-of-${shard.count}.sqlite`);
}

/** `--shard i/N | auto | auto/N` as a Shard, with the user's words in the error. */
export function shardOption(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  try {
    return parseShard(value);
  } catch (err) {
    if (err instanceof ShardSpecError) throw new CliError(err.message);
    throw err;
  }
}

/** `file:line: message` (field named when known), the form every scan error is printed in. */
/** One line per issue, whatever the file name or field holds (newlines, ANSI escapes: see printable). */
export function formatIssue(issue: ReadIssue): string {
  const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}`;
  return printable(`${where}: ${issue.field ? `field "${issue.field}": ` : ''}${issue.message}`);
}

export function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export interface ProgressDisplay {
  update(done: number, total: number, detail: string): void;
  /** Prints a line without breaking the bar. */
  log(line: string): void;
  stop(): void;
}

/** A cli-progress bar on a TTY; otherwise a plain line at most every `plainIntervalMs`. */
export function createProgressDisplay(label: string, stream: NodeJS.WriteStream = process.stderr, plainIntervalMs = 2_000): ProgressDisplay {
  if (stream.isTTY) {
    const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {detail}`, stream, hideCursor: true, clearOnComplete: false, etaBuffer: 50 });
    let started = false;
    return {
      update(done, total, detail) {
        if (!started) {
          bar.start(Math.max(total, 1), done, { detail });
          started = true;
        }
        bar.setTotal(Math.max(total, 1));
        bar.update(done, { detail });
      },
      log(line) {
        if (started) stream.write('\r\x1b[K');
        stream.write(`${line}\n`);
        if (started) bar.render();
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = 0;
  let pending: string | null = null;
  return {
    update(done, total, detail) {
      pending = `${label} ${done}/${total} ${detail}`;
      const now = performance.now();
      if (now - last >= plainIntervalMs) {
        last = now;
        stream.write(`${pending}\n`);
        pending = null;
      }
    },
    log(line) {
      stream.write(`${line}\n`);
    },
    stop() {
      if (pending) stream.write(`${pending}\n`);
      pending = null;
    },
  };
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A size in the unit that shows it (512 B, 12.3 kB, 4.1 MB, 1.20 GB): a small file is not "0.0 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/** "in 2.4s, 41.0 MB/s"; a run too short to time meaningfully gets no rate. */
export function formatTiming(bytes: number, seconds: number): string {
  if (seconds < 0.2) return `in ${seconds < 0.01 ? '<0.01' : seconds.toFixed(2)}s`;
  return `in ${seconds.toFixed(1)}s, ${formatSize(bytes / seconds)}/s`;
}
