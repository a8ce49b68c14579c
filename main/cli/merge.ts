/**
 * `refinery merge <folder> [--db main.db] <shard.db...>`: folds the programs that shard
 * workers (`refine --shard i/N`) wrote into the folder's workspace, for review and export.
 */
import type { Command } from 'commander';
import { describeShard } from '../shards/shard';
import { CliError } from './errors';
import { runIndex } from './index';
import { addDbOption, openWorkspace, type DbOptions } from './workspace-options';

export function register(program: Command): void {
  addDbOption(
    program
      .command('merge')
      .description("fold shard workspaces (refine --shard i/N) into the folder's workspace: their programs go to the same documents, for review and export")
      .argument('<folder>', 'the folder the shards refined (indexed here first if needed)')
      .argument('<shards...>', 'the shard databases (refine --shard printed their paths), e.g. shard-*.sqlite'),
  ).action(async (folder: string, shards: string[], options: DbOptions) => {
    const ws = openWorkspace(folder, options);
    try {
      await runIndex(ws, true);
      const summary = ws.merge(shards, (r) => process.stderr.write(`merged shard ${describeShard(r.shard)} (${r.path}): ${r.programs} programs${r.unmatched > 0 ? `, ${r.unmatched} documents skipped (their text changed since the shard read them)` : ''}\n`));
      const total = summary.shards.reduce((sum, s) => sum + s.programs, 0);
      process.stdout.write(`merged ${summary.shards.length} shards into ${ws.dbPath}: ${total} programs; ${summary.documentsWithoutDocProgram} documents have no doc-stage program yet\n`);
      if (summary.missingShards.length > 0) process.stdout.write(`missing shards: ${summary.missingShards.join(', ')} (their documents stay pending; merge them when they finish)\n`);
    } catch (err) {
      if (err instanceof Error && err.name === 'WorkspaceError') throw new CliError(err.message);
      throw err;
    } finally {
      await ws.dispose();
    }
  });
}
