#!/usr/bin/env node
// Entry for `npx refinery`: runs the TypeScript CLI in this very process, with tsx's loader
// registered here, so no build step is needed. No wrapper process stands between the shell
// and the CLI: Ctrl-C and SIGTERM reach the CLI's own handlers (tsx's command-line wrapper
// would relay them and then SIGKILL a child busy for more than a few milliseconds, so the
// graceful path — roll back the batch in flight, mark the job, delete the temp file — never ran).
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
try {
  const { register } = await import('tsx/esm/api');
  register();
} catch (err) {
  console.error(`refinery: could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
await import(pathToFileURL(join(root, 'main', 'cli.ts')).href);
