/** The application menu with the usual shortcuts; commands for the page go through MENU_CHANNEL. */
import { Menu, type MenuItemConstructorOptions, app, shell } from 'electron';
import type { MenuCommand } from '../../contract/api';

export function buildMenu(send: (command: MenuCommand) => void): Menu {
  const isMac = process.platform === 'darwin';
  const item = (label: string, accelerator: string, command: MenuCommand): MenuItemConstructorOptions => ({ label, accelerator, click: () => send(command) });
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [item('Open Folder…', 'CmdOrCtrl+O', 'open-folder'), item('Export…', 'CmdOrCtrl+E', 'show-export'), { type: 'separator' }, isMac ? { role: 'close' } : { role: 'quit' }],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        item('Corpus', 'Alt+1', 'show-corpus'),
        item('Batch', 'Alt+2', 'show-batch'),
        item('Models', 'Alt+3', 'show-models'),
        item('Export', 'Alt+4', 'show-export'),
        item('Statistics', 'Alt+5', 'show-stats'),
        item('Problems', 'Alt+6', 'show-problems'),
        { type: 'separator' },
        item('Next Document', 'CmdOrCtrl+Down', 'next-doc'),
        item('Previous Document', 'CmdOrCtrl+Up', 'previous-doc'),
        { type: 'separator' },
        item('Toggle Dark Theme', 'CmdOrCtrl+Shift+D', 'toggle-theme'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }]),
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'The ProX paper (arXiv 2409.17115)', click: () => void shell.openExternal('https://arxiv.org/abs/2409.17115') }],
    },
  ];
  return Menu.buildFromTemplate(template);
}
