/**
 * Runtime checks for everything that arrives over IPC, free of Electron so it can be unit
 * tested: the channel must be one of ours, the sender must be our own window's page, and
 * arguments are validated (method inputs by the contract's zod schemas inside dispatch).
 */
import { normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { CallReply, Handlers } from '../../contract/api';
import { dispatch } from '../api/transport/dispatch';
import { CALL_CHANNEL, DIALOG_CHANNEL } from './channels';

const CallArgs = z.tuple([z.string().max(100), z.unknown()]);
const DialogArgs = z.union([z.tuple([z.literal('folder')]), z.tuple([z.literal('export'), z.string().max(500)])]);

export type DialogRequest = { kind: 'folder' } | { kind: 'export'; defaultName: string };

export interface IpcServices {
  handlers: Handlers;
  /** Shows a native dialog; resolves to the chosen path or null. */
  dialog(request: DialogRequest): Promise<string | null>;
}

/** Is this URL our own renderer (the packaged file or the dev server electron-vite started)? */
export function isTrustedOrigin(url: string, rendererUrl: string): boolean {
  try {
    const got = new URL(url);
    const ours = new URL(rendererUrl);
    if (ours.protocol === 'file:') return got.protocol === 'file:' && got.pathname === ours.pathname;
    return got.origin === ours.origin;
  } catch {
    return false;
  }
}

/**
 * What the window's session may load (webRequest.onBeforeRequest): the app's own files, i.e.
 * file: URLs inside the renderer's folder (`rendererDir`, not anywhere on disk), inline data:
 * URLs (images), devtools, and while developing the local dev server (http and its ws). A
 * file: path is judged after decoding and normalising, so `..` and %2e%2e cannot leave the folder.
 */
export function isAppRequest(url: string, rendererDir: string, devServerUrl?: string): boolean {
  let got: URL;
  try {
    got = new URL(url);
  } catch {
    return false;
  }
  if (got.protocol === 'data:' || got.protocol === 'devtools:') return true;
  if (got.protocol === 'file:') {
    let path: string;
    try {
      path = normalize(fileURLToPath(got));
    } catch {
      return false;
    }
    const root = normalize(rendererDir).replace(/[\\/]+$/, '');
    return path === root || path.startsWith(root + sep);
  }
  if (devServerUrl === undefined) return false;
  try {
    const dev = new URL(devServerUrl);
    const sameHost = got.host === dev.host;
    return sameHost && (got.protocol === dev.protocol || (got.protocol === 'ws:' && dev.protocol === 'http:') || (got.protocol === 'wss:' && dev.protocol === 'https:'));
  } catch {
    return false;
  }
}

export async function routeIpc(services: IpcServices, channel: string, args: readonly unknown[]): Promise<CallReply | string | null> {
  if (channel === CALL_CHANNEL) {
    const parsed = CallArgs.safeParse(args);
    if (!parsed.success) return { ok: false, error: { code: 'invalid_input', message: 'IPC call needs (method: string, input)' } };
    return dispatch(services.handlers, parsed.data[0], parsed.data[1]);
  }
  if (channel === DIALOG_CHANNEL) {
    const parsed = DialogArgs.safeParse(args);
    if (!parsed.success) throw new Error(`invalid dialog request: ${parsed.error.issues[0]?.message ?? 'bad arguments'}`);
    const [kind] = parsed.data;
    return services.dialog(kind === 'folder' ? { kind } : { kind, defaultName: parsed.data[1] ?? 'refined.jsonl' });
  }
  throw new Error(`unknown IPC channel "${channel}"`);
}
