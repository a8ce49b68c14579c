/**
 * The Electron shell: one window over the same handler map the browser shell serves.
 * SQLite and node-llama-cpp live here in the main process (and the workers it starts),
 * never in the renderer, which is sandboxed, context-isolated, without Node, under a strict
 * CSP, and may load nothing but its own files.
 */
import { BrowserWindow, Menu, Notification, app, clipboard, dialog, ipcMain, powerSaveBlocker, session, shell } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MenuCommand } from '../../contract/api';
import { createAppHost } from '../api/transport/host';
import { checkSqliteEngine } from '../../native/sqlite/database';
import type { BindingFailure } from '../../native/sqlite/binding';
import { watchBatch } from './batch-watch';
import { CALL_CHANNEL, DIALOG_CHANNEL, EVENT_CHANNEL, MENU_CHANNEL } from './channels';
import { type DialogRequest, isAppRequest, isTrustedOrigin, routeIpc } from './ipc-router';
import { buildMenu } from './menu';

const here = fileURLToPath(new URL('.', import.meta.url));
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(here, '../renderer/index.html');
const rendererUrl = devServerUrl ?? pathToFileURL(rendererFile).href;

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

let window: BrowserWindow | null = null;

function lockDownSession(): void {
  const ses = session.defaultSession;
  // No remote content and no other local file: only the renderer's own folder (or the local
  // dev server while developing).
  const rendererDir = dirname(rendererFile);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAppRequest(details.url, rendererDir, devServerUrl);
    if (!allowed) console.error(`refinery: blocked a request from the window to ${details.url.slice(0, 200)}`);
    callback({ cancel: !allowed });
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  // Nothing the page could ask for (camera, notifications, clipboard, ...) is granted or even reported as granted.
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}

/**
 * better-sqlite3 that cannot load here (no file for this platform, a runtime without the
 * Node-API it needs, a system library missing) cannot open a workspace: say so in a window,
 * with what to run, instead of failing at the first open.
 */
async function explainSqliteProblem(problem: BindingFailure): Promise<void> {
  const { response } = await dialog.showMessageBox({
    type: 'error',
    title: 'Refinery',
    message: 'Refinery cannot open workspaces: its SQLite engine does not load here.',
    detail: problem.fixIsCommand
      ? `${problem.message}\n\nIn the Refinery folder, run:\n\n    ${problem.fix}\n\nthen start Refinery again.`
      : problem.message,
    buttons: problem.fixIsCommand ? ['Quit', 'Copy the command and quit'] : ['Quit'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  });
  if (response === 1) clipboard.writeText(problem.fix);
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  lockDownSession();

  // Checked before anything opens a database: the file and the Node-API it needs first, a load error second.
  const sqlite = checkSqliteEngine();
  if (!sqlite.ok) {
    console.error(`refinery: ${sqlite.message}`);
    await explainSqliteProblem(sqlite);
    app.exit(1);
    return;
  }

  const host = await createAppHost({ shell: 'electron' });
  const send = (channel: string, ...args: unknown[]): void => {
    if (window && !window.isDestroyed()) window.webContents.send(channel, ...args);
  };
  host.subscribe((event, payload) => send(EVENT_CHANNEL, event, payload));

  let blockerId: number | null = null;
  watchBatch(host.subscribe, {
    keepAwake(on) {
      if (on && blockerId === null) blockerId = powerSaveBlocker.start('prevent-app-suspension');
      if (!on && blockerId !== null) {
        powerSaveBlocker.stop(blockerId);
        blockerId = null;
      }
    },
    notify(title, body) {
      if (Notification.isSupported()) new Notification({ title: `Refinery: ${title}`, body }).show();
    },
  });

  const showDialog = async (request: DialogRequest): Promise<string | null> => {
    if (request.kind === 'folder') {
      const result = await dialog.showOpenDialog(window ?? new BrowserWindow({ show: false }), { title: 'Open a folder of documents', properties: ['openDirectory'] });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    }
    const result = await dialog.showSaveDialog(window ?? new BrowserWindow({ show: false }), {
      title: 'Export cleaned JSONL',
      defaultPath: request.defaultName,
      filters: [{ name: 'JSON Lines', extensions: ['jsonl', 'gz', 'zst'] }],
    });
    return result.canceled ? null : (result.filePath ?? null);
  };

  for (const channel of [CALL_CHANNEL, DIALOG_CHANNEL]) {
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      // Only our own page in our own window may call: not an iframe, not a navigated page.
      if (!window || event.sender !== window.webContents || !event.senderFrame || !isTrustedOrigin(event.senderFrame.url, rendererUrl)) {
        throw new Error('refused: IPC from an untrusted frame');
      }
      return routeIpc({ handlers: host.handlers, dialog: showDialog }, channel, args);
    });
  }

  const createWindow = (): void => {
    window = new BrowserWindow({
      width: 1360,
      height: 860,
      minWidth: 900,
      minHeight: 560,
      title: 'Refinery',
      show: false,
      backgroundColor: '#16181c',
      webPreferences: {
        preload: join(here, '../preload/index.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        spellcheck: false,
      },
    });
    window.once('ready-to-show', () => window?.show());
    window.webContents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
    window.webContents.on('will-navigate', (e, url) => {
      if (!isTrustedOrigin(url, rendererUrl)) e.preventDefault();
    });
    // A redirect is a navigation too (a server answering 30x): the same rule.
    window.webContents.on('will-redirect', (e, url) => {
      if (!isTrustedOrigin(url, rendererUrl)) e.preventDefault();
    });
    window.webContents.on('will-attach-webview', (e) => e.preventDefault());
    window.on('closed', () => (window = null));
    if (devServerUrl) void window.loadURL(devServerUrl);
    else void window.loadFile(rendererFile);
  };

  Menu.setApplicationMenu(buildMenu((command: MenuCommand) => send(MENU_CHANNEL, command)));
  createWindow();

  app.on('second-instance', () => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    // A running batch keeps going on macOS with the window closed; reopening shows it.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => void host.dispose());
}

main().catch((err: unknown) => {
  dialog.showErrorBox('Refinery could not start', err instanceof Error ? (err.stack ?? err.message) : String(err));
  app.exit(1);
});
