/**
 * `npm start`: build the app and open the Electron window.
 *
 * Falls back to the browser shell, saying why in one line, when Electron's binary is missing
 * (its installer is tried first unless ELECTRON_SKIP_BINARY_DOWNLOAD is set). SQLite needs no
 * preparation: better-sqlite3's prebuilt Node-API file loads in Electron as it does in Node
 * (native/sqlite/binding.ts). Where it cannot load at all (an old Node.js, a platform without a
 * prebuilt file and no source build) this says what to run and stops, as neither shell could
 * open a workspace. Extra arguments (a folder, --port) go to the browser shell.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSqliteEngine } from '../native/sqlite/database';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');
const say = (line: string): void => console.log(`refinery: ${line}`);

/** The path Electron's package would launch, or null when the binary is not there. */
function electronBinary(): string | null {
  try {
    const relative = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim();
    const full = join(electronDir, 'dist', relative);
    return existsSync(full) ? full : null;
  } catch {
    return null;
  }
}

/**
 * Runs the child to its end and exits with its status. Ctrl-C reaches the whole process
 * group, the child included; a signal sent to this process alone is passed on if the child
 * is still running a moment later, so the child never gets it twice.
 */
function runToEnd(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const child: ChildProcess = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals): void => {
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    }, 2000).unref();
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function browserShell(reason: string): void {
  say(`${reason}; starting the browser shell instead (open the URL below).`);
  runToEnd(process.execPath, ['--import', 'tsx', join(root, 'main', 'cli.ts'), 'serve', ...process.argv.slice(2)]);
}

function main(): void {
  const sqlite = checkSqliteEngine();
  if (!sqlite.ok) {
    console.error(`refinery: ${sqlite.message}`);
    process.exit(1);
  }

  let binary = electronBinary();
  if (!binary && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD && existsSync(join(electronDir, 'install.js'))) {
    const install = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000 });
    if (install.status !== 0) process.stderr.write(`refinery: electron's installer failed: ${String(install.stderr ?? '').trim().split('\n').pop() ?? 'no output'}\n`);
    binary = electronBinary();
  }
  if (!binary) {
    browserShell('the Electron binary is not installed (node_modules/electron/dist is missing)');
    return;
  }

  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('refinery: building the app failed (see above)');
    process.exit(build.status ?? 1);
  }
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  runToEnd(binary, [root], env);
}

main();
