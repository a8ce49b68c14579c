/**
 * Puts the pieces together for a shell (Electron window or browser server): the real
 * handler map over the workspace service, and one event hub its events flow through.
 */
import type { Handlers } from '../../../contract/api';
import { createWorkspaceApi } from '../handlers';
import type { EventSubscribe } from './dispatch';
import { createEventHub } from './event-hub';

export interface AppHost {
  handlers: Handlers;
  subscribe: EventSubscribe;
  dispose(): Promise<void>;
}

export interface AppHostOptions {
  shell: 'electron' | 'browser';
  version?: string;
  env?: NodeJS.ProcessEnv;
  /** One database file for the workspace opened (`serve --db`); default: one per folder under REFINERY_HOME. */
  dbPath?: string;
}

export async function createAppHost(options: AppHostOptions): Promise<AppHost> {
  const hub = createEventHub();
  const api = createWorkspaceApi({ shell: options.shell, emit: hub.emit, version: options.version, env: options.env, dbPath: options.dbPath });
  return { handlers: api.handlers, subscribe: hub.subscribe, dispose: () => api.dispose() };
}
