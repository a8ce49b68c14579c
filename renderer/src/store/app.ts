/**
 * App-wide state: which screen, the open workspace, the batch job, workspace toggles and
 * the corpus query. Everything here can be rebuilt from the server (`refresh`), which is
 * what lets a batch survive closing and reopening the window.
 */
import { create } from 'zustand';
import { laterJob } from './later-job';
import type { DocFilter, DocSort, Fidelity, InstallProgress, JobStatus, ListQuery, MethodOutput, OperationKind, StatusPassProgress, WorkspaceSummary } from '../../../contract/api';
// Reviewed rows patched in place (issue 15.6): kept on lines of their own.
import type { DocumentRow as ListRow } from '../../../contract/api';
import type { RowPatch } from '../components/list-patch';
import { shownList } from '../components/shown-list';
import { type ConnectionState, type RendererClient, createClient, errorMessage } from '../api/client';

export type Screen = 'corpus' | 'batch' | 'models' | 'export' | 'stats' | 'problems';
export type Theme = 'light' | 'dark';
export type { DocFilter, DocSort, ListQuery };

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

interface AppState {
  client: RendererClient;
  info: MethodOutput<'app.info'> | null;
  connection: ConnectionState;
  booting: boolean;
  bootError: string | null;
  workspace: WorkspaceSummary | null;
  screen: Screen;
  theme: Theme;
  job: JobStatus | null;
  toggles: Record<OperationKind, boolean> | null;
  /** The background pass updating stored statuses after a kind toggle; null when none ran since opening. */
  statusPass: StatusPassProgress | null;
  query: ListQuery;
  /** Bumped whenever document statuses may have changed (batch progress, toggles, saves). */
  listVersion: number;
  /**
   * Rows reviewed since the list was fetched (toggle, edit, refine of one document), by id: the
   * list shows them in place, keeping its order, until the user refreshes it or changes the
   * query. Cleared whenever the list is fetched again.
   */
  rowPatches: Record<string, RowPatch>;
  /** Bumped when document counts may have changed without a list refresh (a patched row). */
  countsVersion: number;
  selectedDocId: string | null;
  /** Row of the selected document in the list as it is shown (sort, filter, search); null when not known. */
  selectedIndex: number | null;
  toasts: Toast[];
  /** The document view's operations panel is folded to a rail, so the text panes get its width (remembered). */
  opsCollapsed: boolean;
  /** Share of the text panes' width the original pane takes, between PANE_SPLIT_MIN and PANE_SPLIT_MAX (remembered). */
  paneSplit: number;

  boot(): Promise<void>;
  setScreen(screen: Screen): void;
  /**
   * Rules the user asked (from the Stats screen) to switch off in the next batch; the Batch
   * screen takes them into its rule list and clears this.
   */
  rulesToSwitchOff: string[];
  switchOffRule(rule: string): void;
  clearRulesToSwitchOff(): void;
  /**
   * The profile whose models are being installed from this window (models.installProfile in
   * flight), and the latest `models.install` progress of any install (this window's or not).
   */
  installing: string | null;
  install: InstallProgress | null;
  /** Installs a profile's missing models (Models screen, or Batch's "Install" which then shows the Models screen). */
  installProfile(profile: string, fidelity?: Fidelity): Promise<void>;
  cancelInstall(): Promise<void>;
  setTheme(theme: Theme): void;
  setWorkspace(workspace: WorkspaceSummary | null): void;
  setJob(job: JobStatus): void;
  setQuery(patch: Partial<ListQuery>): void;
  select(docId: string | null, index?: number | null): void;
  /** The list saw the selected document at this row (after a refresh or a query change). */
  placeSelected(index: number): void;
  setKind(kind: OperationKind, enabled: boolean): Promise<void>;
  /** Fetch the list again (re-sort, re-filter); patched rows take their places. */
  bumpList(): void;
  /** Reads one document's row again and shows it in place (no re-sort); `row` when the caller has it already. */
  refreshRow(docId: string, row?: ListRow): Promise<void>;
  notify(kind: Toast['kind'], text: string): void;
  dismiss(id: number): void;
  setOpsCollapsed(collapsed: boolean): void;
  /** Moves the split between the original and refined panes; `remember` saves it (at the end of a drag). */
  setPaneSplit(split: number, remember?: boolean): void;
}

const THEME_KEY = 'refinery.theme';
const OPS_COLLAPSED_KEY = 'refinery.opsCollapsed';
const PANE_SPLIT_KEY = 'refinery.paneSplit';
export const PANE_SPLIT_MIN = 0.2;
export const PANE_SPLIT_MAX = 0.8;

export function clampSplit(split: number): number {
  return Number.isFinite(split) ? Math.min(PANE_SPLIT_MAX, Math.max(PANE_SPLIT_MIN, split)) : 0.5;
}

function savedSplit(): number {
  const saved = localStorage.getItem(PANE_SPLIT_KEY);
  return saved === null ? 0.5 : clampSplit(Number(saved));
}

function initialTheme(): Theme {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

let toastId = 0;
let subscribed = false;

function subscribe(client: RendererClient): void {
  client.onConnection((connection) => {
    const before = useApp.getState().connection;
    useApp.setState({ connection });
    // Back after an outage (server restarted, tunnel re-opened): state comes from the server.
    if (before === 'lost' && connection === 'open' && useApp.getState().workspace) void loadWorkspaceState();
  });
  client.on('statuses.progress', onStatusPass);
  client.on('models.install', (install) => useApp.setState({ install }));
  // A screen opened mid-install (or a window reloaded) shows where it is.
  client.call('models.installStatus', {}).then(
    (install) => {
      if (useApp.getState().install === null) useApp.setState({ install });
    },
    () => undefined,
  );
  client.on('job.progress', (job) => {
    const before = useApp.getState().job;
    useApp.setState({ job });
    const now = Date.now();
    // Statuses change as documents are refined; refresh the list at most once a second.
    // Only a batch moves the list: once it has ended, a late or repeated event must not re-sort
    // the list under a user who is reviewing (issue 15.6).
    if (job.state !== before?.state || (job.state === 'running' && job.done !== before?.done && now - lastListBump > 1000)) {
      lastListBump = now;
      useApp.getState().bumpList();
    }
  });
}
let lastListBump = 0;

function onStatusPass(pass: StatusPassProgress): void {
  const now = Date.now();
  useApp.setState({ statusPass: pass });
  // Filters and counts read the stored statuses: refresh as the pass moves, and once at its end.
  if (!pass.running || now - lastListBump > 1000) {
    lastListBump = now;
    useApp.getState().bumpList();
  }
}

export const useApp = create<AppState>((set, get) => ({
  client: createClient(),
  info: null,
  connection: 'connecting',
  booting: true,
  bootError: null,
  workspace: null,
  screen: 'corpus',
  theme: initialTheme(),
  job: null,
  toggles: null,
  statusPass: null,
  query: { filter: 'all', search: '', sort: 'order', descending: false },
  listVersion: 0,
  rowPatches: {},
  countsVersion: 0,
  selectedDocId: null,
  selectedIndex: null,
  toasts: [],
  opsCollapsed: localStorage.getItem(OPS_COLLAPSED_KEY) === 'true',
  paneSplit: savedSplit(),

  async boot() {
    const { client } = get();
    if (!subscribed) {
      subscribed = true;
      subscribe(client);
    }
    try {
      const [info, workspace] = await Promise.all([client.call('app.info', {}), client.call('workspace.current', {})]);
      set({ info, workspace, booting: false, bootError: null });
      if (workspace) await loadWorkspaceState();
    } catch (err) {
      set({ booting: false, bootError: errorMessage(err) });
    }
  },
  setScreen: (screen) => set({ screen }),
  rulesToSwitchOff: [],
  switchOffRule: (rule) => set({ rulesToSwitchOff: [...new Set([...get().rulesToSwitchOff, rule])], screen: 'batch' }),
  clearRulesToSwitchOff: () => set({ rulesToSwitchOff: [] }),
  installing: null,
  install: null,
  async installProfile(profile, fidelity = 'improved') {
    const { client, notify } = get();
    if (get().installing !== null) return;
    set({ installing: profile, install: null });
    try {
      const result = await client.call('models.installProfile', { profile, fidelity });
      if (result.state === 'done') notify('info', `The models of ${profile} are installed`);
      else notify('info', `Installing ${profile} was cancelled; Install again goes on from what was downloaded`);
    } catch (err) {
      notify('error', errorMessage(err));
    } finally {
      set({ installing: null });
    }
  },
  async cancelInstall() {
    try {
      await get().client.call('models.cancelInstall', {});
    } catch (err) {
      get().notify('error', `Could not cancel the install: ${errorMessage(err)}`);
    }
  },
  setTheme(theme) {
    localStorage.setItem(THEME_KEY, theme);
    set({ theme });
  },
  setWorkspace(workspace) {
    set({ workspace, selectedDocId: null, selectedIndex: null, screen: 'corpus', statusPass: null, listVersion: get().listVersion + 1, rowPatches: {} });
    if (workspace) void loadWorkspaceState();
  },
  setJob: (job) => set({ job: laterJob(get().job, job) }),
  // The selected document's row is unknown in the new order until the list shows it again.
  setQuery(patch) {
    const query = { ...get().query, ...patch };
    // The same query again (the search box settling on its text after a remount) changes nothing:
    // the selection's row and the reviewed rows stay.
    if (JSON.stringify(query) === JSON.stringify(get().query)) return;
    set({ query, selectedIndex: null, rowPatches: {} });
  },
  select: (selectedDocId, index = null) => set({ selectedDocId, selectedIndex: selectedDocId === null ? null : index }),
  placeSelected: (selectedIndex) => {
    if (get().selectedIndex !== selectedIndex) set({ selectedIndex });
  },
  async setKind(kind, enabled) {
    try {
      const toggles = await get().client.call('toggles.setKind', { kind, enabled });
      set({ toggles, listVersion: get().listVersion + 1, rowPatches: {} });
    } catch (err) {
      get().notify('error', `Could not switch ${kind}: ${errorMessage(err)}`);
    }
  },
  bumpList: () => set({ listVersion: get().listVersion + 1, rowPatches: {} }),
  async refreshRow(docId, known) {
    try {
      const row = known ?? (await get().client.call('docs.rows', { ids: [docId] }))[0];
      if (!row) return;
      const patches = get().rowPatches;
      // "Shown" stays the row as the list showed it when it was fetched, however often it is patched.
      const shown = patches[docId] ? patches[docId].shown : (shownList.find(docId) ?? null);
      set({ rowPatches: { ...patches, [docId]: { row, shown } }, countsVersion: get().countsVersion + 1 });
    } catch (err) {
      get().notify('error', `Could not read ${docId} again: ${errorMessage(err)}`);
    }
  },
  notify(kind, text) {
    const id = ++toastId;
    set({ toasts: [...get().toasts, { id, kind, text }].slice(-4) });
    setTimeout(() => get().dismiss(id), kind === 'error' ? 9000 : 4000);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
  setOpsCollapsed(opsCollapsed) {
    localStorage.setItem(OPS_COLLAPSED_KEY, String(opsCollapsed));
    set({ opsCollapsed });
  },
  setPaneSplit(split, remember = true) {
    const paneSplit = clampSplit(split);
    if (remember) localStorage.setItem(PANE_SPLIT_KEY, String(paneSplit));
    if (paneSplit !== get().paneSplit) set({ paneSplit });
  },
}));

async function loadWorkspaceState(): Promise<void> {
  const { client, notify } = useApp.getState();
  try {
    const [job, toggles] = await Promise.all([client.call('refine.status', {}), client.call('toggles.get', {})]);
    useApp.setState({ job, toggles });
  } catch (err) {
    notify('error', `Could not load the workspace state: ${errorMessage(err)}`);
  }
}
