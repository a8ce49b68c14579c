/**
 * The only IPC channels between the window and the main process. Kept dependency-free so
 * the sandboxed preload can bundle it.
 */
export const CALL_CHANNEL = 'refinery:call';
export const DIALOG_CHANNEL = 'refinery:dialog';
export const EVENT_CHANNEL = 'refinery:event';
export const MENU_CHANNEL = 'refinery:menu';

export type DialogKind = 'folder' | 'export';
