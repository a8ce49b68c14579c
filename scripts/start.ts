/**
 * `npm start`: prepare better-sqlite3 for Electron, build the app and open the Electron window.
 *
 * Falls back to the browser shell, saying why in one line, when Electron cannot run here:
 * - better-sqlite3 cannot be prepared for Electron's ABI (no prebuilt binary could be
 *   downloaded and compiling against Electron's headers failed, e.g. offline);
 * - Electron's binary is missing (its installer is tried first unless
 *   ELECTRON_SKIP_BINARY_DOWNLOAD is set).
 * Extra arguments (a folder, --port) go to the browser shell.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareElectronSqlite, REPO_ROOT } from './electron-sqlite';

const root = REPO_ROOT;
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

async function main(): Promise<void> {
  const sqlite = await prepareElectronSqlite({ root, log: say });
  if (!sqlite.ok) {
    const target = sqlite.target ? ` ${sqlite.target.version} (${sqlite.target.platform}-${sqlite.target.arch})` : '';
    browserShell(`cannot prepare better-sqlite3 for Electron${target}: ${sqlite.reason}`);
    return;
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

await main();
