/**
 * The preload: exposes exactly the API contract (plus native dialogs and menu commands) as
 * window.refinery, and nothing else. No Node, no ipcRenderer, no generic send reach the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { CallReply, EventName, MenuCommand, ShellBridge } from '../../contract/api';
import { CALL_CHANNEL, DIALOG_CHANNEL, EVENT_CHANNEL, MENU_CHANNEL } from './channels';

const bridge: ShellBridge = {
  shell: 'electron',
  // The reply is plain data, which contextBridge copies whole (of an Error it keeps only the message).
  invoke: (method, input) => ipcRenderer.invoke(CALL_CHANNEL, String(method), input) as Promise<CallReply>,
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
