#!/usr/bin/env node
// Entry for `npx refinery`: runs the TypeScript CLI through tsx, so no build step is needed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tsxCli = require.resolve('tsx/cli');
const result = spawnSync(process.execPath, [tsxCli, join(root, 'main', 'cli.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
if (result.error) {
  console.error(`refinery: could not start: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? (result.signal ? 128 : 1));
