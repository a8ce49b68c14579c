#!/usr/bin/env node
// `npm start`: build the app and open the Electron window. Where Electron's binary is
// missing it first tries Electron's own installer (unless ELECTRON_SKIP_BINARY_DOWNLOAD is
// set); if the binary is still missing it says so in one line and starts the browser shell,
// which prints the URL to open. Extra arguments (e.g. a folder) go to the browser shell.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');

/** The path Electron's package would launch, or null when the binary is not there. */
function electronBinary() {
  try {
    const relative = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim();
    const full = join(electronDir, 'dist', relative);
    return existsSync(full) ? full : null;
  } catch {
    return null;
  }
}

function run(command, args, options = {}) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function browserShell(reason) {
  console.log(`refinery: ${reason}; starting the browser shell instead (open the URL below).`);
  run(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'main', 'cli.ts'), 'serve', ...process.argv.slice(2)]);
}

let binary = electronBinary();
if (!binary && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD && existsSync(join(electronDir, 'install.js'))) {
  const install = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000 });
  if (install.status !== 0) process.stderr.write(`refinery: electron's installer failed: ${String(install.stderr ?? '').trim().split('\n').pop() ?? 'no output'}\n`);
  binary = electronBinary();
}

if (!binary) {
  browserShell('the Electron binary is not installed (node_modules/electron/dist is missing)');
} else {
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('refinery: building the app failed (see above)');
    process.exit(build.status ?? 1);
  }
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  run(binary, [root], { env });
}
