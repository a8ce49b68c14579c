/**
 * `refinery serve [folder] [--port N]`: the browser shell. Serves the UI and the API on
 * 127.0.0.1 and prints one line with the URL to open (it carries the access token). Over
 * SSH: `ssh -L 8765:127.0.0.1:8765 gpu-box refinery serve /data/corpus --port 8765`.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { renamedIdsWarning, WorkspaceSummarySchema } from '../../contract/api';
import { dispatch } from '../api/transport/dispatch';
import { createAppHost } from '../api/transport/host';
import { RENDERER_OUT, ensureRendererBuilt } from '../api/transport/renderer-build';
import { startServer } from '../server';
import { CliError } from './errors';
import { printable } from './printable';
import { packageVersion } from './version';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be a whole number from 0 to 65535 (0 picks a free port), not "${value}"`, 2);
  return port;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the Refinery UI and API on 127.0.0.1 for a browser (also over an SSH tunnel); prints the URL with its access token')
    .argument('[folder]', 'folder of documents to open at start (otherwise choose one in the UI)')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', parsePort, 8765)
    .option('--db <file>', 'workspace database file, as given to index/refine --db (then [folder] is the folder it indexes)')
    .action(async (folder: string | undefined, options: { port: number; db?: string }) => {
      if (options.db && !folder) throw new CliError('--db needs the folder the database indexes: refinery serve <folder> --db <file>', 2);
      try {
        if (await ensureRendererBuilt()) console.error('refinery: built the UI into out/renderer');
      } catch (err) {
        throw new CliError(`could not build the UI (renderer/): ${printable(err instanceof Error ? err.message : String(err))}`);
      }
      const host = await createAppHost({ shell: 'browser', version: packageVersion(), dbPath: options.db ? resolve(options.db) : undefined });
      const shutdown = async (): Promise<void> => {
        await host.dispose().catch(() => undefined);
      };
      if (folder) {
        const shown = printable(folder);
        let lastLine = 0;
        const stop = host.subscribe((event, payload) => {
          if (event !== 'scan.progress') return;
          const p = payload as { filesDone: number; filesTotal: number; documents: number; errors: number; done: boolean };
          if (p.done || Date.now() - lastLine > 2000) {
            lastLine = Date.now();
            console.error(`refinery: indexing ${shown}: ${p.filesDone}/${p.filesTotal} files, ${p.documents} documents, ${p.errors} errors`);
          }
        });
        const opened = await dispatch(host.handlers, 'workspace.open', { folder });
        stop();
        if (!opened.ok) {
          await shutdown();
          throw new CliError(`cannot open ${shown}: ${printable(opened.error.message)}`);
        }
        // What the app shows on its Problems screen, said here too: the workspace's state, not only this pass's.
        const summary = WorkspaceSummarySchema.parse(opened.result);
        if (summary.scanErrors > 0) console.error(`refinery: ${summary.scanErrors} ${summary.scanErrors === 1 ? 'input' : 'inputs'} of ${shown} could not be read; the Problems screen lists ${summary.scanErrors === 1 ? 'it' : 'them'} with file and line`);
        if (summary.idsRenamed > 0 && summary.firstRenamed) console.error(`refinery: ${renamedIdsWarning({ count: summary.idsRenamed, first: summary.firstRenamed }, printable)}`);
      }
      let server;
      try {
        server = await startServer({ handlers: host.handlers, subscribe: host.subscribe, rendererDir: RENDERER_OUT, port: options.port });
      } catch (err) {
        await shutdown();
        const code = err && typeof err === 'object' && 'code' in err ? (err as { code: unknown }).code : null;
        if (code === 'EADDRINUSE') throw new CliError(`port ${options.port} on 127.0.0.1 is in use; pick another with --port (0 picks a free one)`);
        throw err;
      }
      console.log(`Refinery is running at ${server.url}`);
      const running = server;
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          void running
            .close()
            .then(shutdown)
            .finally(() => resolve());
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
