/**
 * The preload: exposes exactly the API contract (plus native dialogs and menu commands) as
 * window.refinery, and nothing else. No Node, no ipcRenderer, no generic send reach the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiErrorBody, EventName, MenuCommand, ShellBridge } from '../../contract/api';
import { CALL_CHANNEL, DIALOG_CHANNEL, EVENT_CHANNEL, MENU_CHANNEL } from './channels';

type CallReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };

const bridge: ShellBridge = {
  shell: 'electron',
  async call(method, input) {
    const reply = (await ipcRenderer.invoke(CALL_CHANNEL, String(method), input)) as CallReply;
    if (reply.ok) return reply.result as never;
    // contextBridge copies only the message of an Error, so the code travels inside it.
    throw new Error(`${reply.error.code}: ${reply.error.message}`);
  },
  on(event, listener) {
    const wanted: EventName = event;
    const handler = (_e: unknown, name: unknown, payload: unknown): void => {
      if (name === wanted) listener(payload as never);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
  chooseFolder: () => ipcRenderer.invoke(DIALOG_CHANNEL, 'folder') as Promise<string | null>,
  chooseExportFile: (defaultName) => ipcRenderer.invoke(DIALOG_CHANNEL, 'export', String(defaultName)) as Promise<string | null>,
  onMenu(listener) {
    const handler = (_e: unknown, command: unknown): void => listener(command as MenuCommand);
    ipcRenderer.on(MENU_CHANNEL, handler);
    return () => void ipcRenderer.removeListener(MENU_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld('refinery', bridge);
