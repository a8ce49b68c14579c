/**
 * The workspace service: one folder, its SQLite index, and everything the UI, the HTTP API,
 * the CLI and the tests do with it. Handlers are thin wrappers over this class.
 */
import { describeShard, parseShard, type Shard } from '../shards/shard';
import { checkShardSet, mergeShard, MergeError, missingShards, type ShardMergeResult } from '../shards/merge';
import { statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { DEFAULT_RULE_PRESET, OperationKindSchema, ProgrammerSpecSchema, StageSelectionSchema, type DocRefineResult, type OperationKind, type CompareView, type ProgrammerRetentionPass, type DocCounts, type DocFilter, type DocumentRow, type DocumentDetail, type ExecutionView, type ExportRequest, type JobStatus, type ListPageQuery, type ProgrammerSpec, type ScanError, type StageSelection, type Stats, type WorkspaceSummary } from '../../contract/api';
import { executeDocument, loadStoredDocument, recomputeDerived } from '../execution/document';
import { readSettings, type ExecutionSettings } from '../execution/settings';
import { TITLE_HEAD_CHARS } from '../corpus/text-facts';
import { RefineJobController } from '../jobs/job-controller';
import { runRefineJob, type RefineJobHooks, type RefineRequest } from '../jobs/refine-job';
import { refineOneDocument } from '../jobs/refine-document';
import { ProgrammerSpecError, proxFidelity } from '../stage-programmers/resolve';
import type { ProgramSlot } from '../prox/programmer';
import { openStore, type DocumentRecord, type Store } from '../store';
import { countDocuments, listDocuments, listedByIds, neighborDocument } from '../store/document-list';
import { WorkspaceError } from './errors';
import { WorkspaceEvents } from './events';
import { exportWorkspace, type ExportResult } from './export';
import { indexFolder, type IndexOptions, type IndexResult } from '../indexing/indexer';
import { defaultDatabasePath } from './paths';
import { rememberRecent } from './recent';
import { computeStats } from './stats';
import { compareDocument } from './compare';
import { ProgrammerRetentionPasses, type RetentionRequest } from './programmer-retention';
import { previewEdit, revertEdits, revertTarget, saveEdit } from './hand-edits';
import { toDocumentRow, toExecutionView, toProgramView } from './views';
import { WriterLock, type WriterPurpose } from './writer-lock';

export interface WorkspaceOpenOptions {
  /** Database file; default: per-user data dir (REFINERY_HOME overrides), one file per folder. */
  readonly dbPath?: string;
  readonly textField?: string;
  readonly idField?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Where model files live, for model programmers. Default: the model runtime's (REFINERY_MODELS_DIR or per-user). */
  readonly modelsDir?: string;
  /**
   * A shard worker's workspace: it holds only this shard's documents. Recorded in the database;
   * opening it as another shard (or as a whole folder's index) is refused.
   */
  readonly shard?: Shard;
}

/** Documents recomputed per transaction when a kind toggle changes. */
const RECOMPUTE_BATCH = 500;
/** Set while stored statuses may not match the kind toggles (a status pass is due or running); survives a crash. */
const STATUSES_STALE = 'statusesStale';
const STATUS_PROGRESS_INTERVAL_MS = 250;
/** Export paths kept so index skips them (the newest first). */
const MAX_REMEMBERED_EXPORTS = 200;

interface StatusPass {
  cancelled: boolean;
  done: Promise<void>;
}

export interface MergeSummary {
  readonly shards: readonly Omit<ShardMergeResult, 'touchedSeqs'>[];
  /** Shard indices of the run that were not given (their documents stay pending). */
  readonly missingShards: readonly number[];
  /** Documents here that still have no doc-stage program after the merge. */
  readonly documentsWithoutDocProgram: number;
}

export class Workspace {
  readonly events = new WorkspaceEvents();
  readonly openedAt = new Date().toISOString();
  private readonly jobs: RefineJobController;
  private disposed = false;
  private statusPass: StatusPass | null = null;
  /** The writer lock this workspace holds for its running index, refine or merge. */
  private writerLock: WriterLock | null = null;
  private readonly retention: ProgrammerRetentionPasses;

  private constructor(
    readonly folder: string,
    readonly dbPath: string,
    private readonly store: Store,
    private readonly env: NodeJS.ProcessEnv,
    readonly modelsDir: string | undefined,
  ) {
    this.jobs = new RefineJobController(dbPath, store, (status) => this.events.emit('job.progress', status));
    this.retention = new ProgrammerRetentionPasses(store);
  }

  /** Opens (creating if needed) the index of `folder`. Does not read the folder: call index(). */
  static open(folder: string, options: WorkspaceOpenOptions = {}): Workspace {
    const env = options.env ?? process.env;
    const absolute = resolve(folder);
    let isDir = false;
    try {
      isDir = statSync(absolute).isDirectory() || statSync(absolute).isFile();
    } catch {
      throw new WorkspaceError('not_found', `${absolute} does not exist. Check the path.`);
    }
    if (!isDir) throw new WorkspaceError('invalid_input', `${absolute} is neither a folder nor a file.`);
    const dbPath = resolve(options.dbPath ?? defaultDatabasePath(absolute, env));
    const store = openStore(dbPath);
    const meta = store.meta;
    const stored = meta.value.get('folder');
    if (stored !== undefined && stored !== absolute) {
      store.db.close();
      throw new WorkspaceError('invalid_input', `${dbPath} is the index of ${stored}, not of ${absolute}. Pass another --db or open ${stored}.`);
    }
    if (stored === undefined) {
      meta.set.run('folder', absolute);
      meta.set.run('createdAt', new Date().toISOString());
    }
    const storedShard = meta.value.get('shard') ?? null;
    const shard = options.shard ? describeShard(options.shard) : null;
    // Without --shard a shard's database opens as what it is (stats, review); with it, it must match.
    if (shard !== null && storedShard !== shard && (storedShard !== null || (store.documents.count.get() ?? 0) > 0)) {
      store.db.close();
      const what = (s: string | null) => (s === null ? 'the whole folder' : `shard ${s}`);
      throw new WorkspaceError('invalid_input', `${dbPath} is the index of ${what(storedShard)}, not of ${what(shard)}. Pass the --db of that shard (each shard has its own database), or no --shard for the whole folder.`);
    }
    if (shard !== null) meta.set.run('shard', shard);
    if (options.textField) meta.set.run('textField', options.textField);
    if (options.idField) meta.set.run('idField', options.idField);
    const workspace = new Workspace(absolute, dbPath, store, env, options.modelsDir);
    // The app stopped during a status pass last time: finish it.
    if (meta.value.get(STATUSES_STALE) === '1') workspace.restartStatusPass();
    return workspace;
  }

  // ------------------------------------------------------------------ indexing

  async index(options: Omit<IndexOptions, 'textField' | 'idField'> = {}): Promise<IndexResult> {
    this.assertOpen();
    if (this.jobs.running) throw new WorkspaceError('busy', 'a refine job is running; pause or cancel it before re-scanning the folder');
    const lock = this.lockForWriting('index');
    let result: IndexResult;
    try {
      result = await indexFolder(this.store, this.folder, {
        ...options,
        exclude: new Set(this.exportedPaths()),
        signal: options.signal ? AbortSignal.any([options.signal, lock.lost]) : lock.lost,
        textField: this.store.meta.value.get('textField'),
        idField: this.store.meta.value.get('idField'),
        shard: this.shard ?? undefined,
        onProgress: (p) => {
          this.events.emit('scan.progress', p);
          options.onProgress?.(p);
        },
      });
    } catch (err) {
      throw lock.lost.aborted && !options.signal?.aborted ? lock.lost.reason : err;
    } finally {
      this.unlock(lock);
    }
    rememberRecent({ folder: this.folder, openedAt: this.openedAt, documents: this.store.documents.count.get() ?? 0 }, this.env);
    return result;
  }

  /** The shard this workspace holds, or null for a whole folder's index. */
  get shard(): Shard | null {
    const stored = this.store.meta.value.get('shard');
    return stored === undefined ? null : parseShard(stored);
  }

  /**
   * Folds shard workspaces (refine --shard) into this one: their programs go to the same
   * documents here, and reviews, stats and export see them. Indexes the folder first if needed.
   */
  merge(shardPaths: readonly string[], onShard?: (result: ShardMergeResult) => void): MergeSummary {
    this.assertOpen();
    if (this.jobs.running) throw new WorkspaceError('busy', 'a refine job is running; let it finish before merging shards');
    if (this.shard !== null) throw new WorkspaceError('invalid_input', `${this.dbPath} is itself shard ${describeShard(this.shard)}; merge into the whole folder's workspace (another --db)`);
    let shards: Map<string, Shard>;
    try {
      shards = checkShardSet(this.store.db, shardPaths);
    } catch (err) {
      if (err instanceof MergeError) throw new WorkspaceError('invalid_input', err.message);
      throw err;
    }
    const lock = this.lockForWriting('merge');
    try {
      return this.mergeLocked(shards, onShard);
    } finally {
      this.unlock(lock);
    }
  }

  private mergeLocked(shards: Map<string, Shard>, onShard?: (result: ShardMergeResult) => void): MergeSummary {
    const results: ShardMergeResult[] = [];
    const settings = readSettings(this.store);
    for (const [path, shard] of shards) {
      const result = mergeShard(this.store.db, path, shard);
      // Derived columns (status, counts) follow the programs, a few thousand documents per transaction.
      for (let i = 0; i < result.touchedSeqs.length; i += 2000) {
        const slice = result.touchedSeqs.slice(i, i + 2000);
        this.store.db.transaction(() => {
          for (const seq of slice) recomputeDerived(this.store, seq, settings);
        })();
      }
      results.push(result);
      onShard?.(result);
    }
    return {
      shards: results.map(({ path, shard, programs, unmatched }) => ({ path, shard, programs, unmatched })),
      missingShards: missingShards(shards.values()),
      documentsWithoutDocProgram: this.store.db.prepare("SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM programs p WHERE p.doc_seq = d.seq AND p.stage = 'doc')").pluck().get() as number,
    };
  }

  summary(): WorkspaceSummary {
    this.assertOpen();
    return {
      id: this.dbPath,
      folder: this.folder,
      dbPath: this.dbPath,
      documents: this.store.documents.count.get() ?? 0,
      sources: this.store.sources.count.get() ?? 0,
      scanErrors: this.store.scanErrors.count.get() ?? 0,
      ...this.renamedIds(),
      bytes: this.store.sources.totalBytes.get() ?? 0,
      openedAt: this.openedAt,
    };
  }

  /** Documents renamed for a duplicate input id, over the files as last read, and the first of them. */
  private renamedIds(): Pick<WorkspaceSummary, 'idsRenamed' | 'firstRenamed'> {
    const idsRenamed = this.store.sources.renamedCount.get() ?? 0;
    const first = idsRenamed > 0 ? this.store.sources.firstRenamed.get() : undefined;
    return { idsRenamed, firstRenamed: first ? { id: first.first_renamed_id, file: first.path, locator: first.first_renamed_locator } : null };
  }

  scanErrors(offset: number, limit: number): { total: number; rows: ScanError[] } {
    this.assertOpen();
    return { total: this.store.scanErrors.count.get() ?? 0, rows: this.store.scanErrors.page.all(limit, offset) };
  }

  // ------------------------------------------------------------------ documents

  listDocs(query: ListPageQuery) {
    this.assertOpen();
    const { total, rows } = listDocuments(this.store.db, query, TITLE_HEAD_CHARS);
    return { total, rows: rows.map(toDocumentRow) };
  }

  /** These documents' list rows (unknown ids left out): the list refreshes a reviewed row in place. */
  docRows(ids: readonly string[]): DocumentRow[] {
    this.assertOpen();
    return listedByIds(this.store.db, ids, TITLE_HEAD_CHARS).map(toDocumentRow);
  }

  /** Documents per list filter, for those matching `search` (the chips' counts). */
  countDocs(search: string): DocCounts {
    this.assertOpen();
    return countDocuments(this.store.db, search);
  }

  neighbor(docId: string, direction: 'next' | 'previous', filter: DocFilter): string | null {
    return neighborDocument(this.store.db, this.document(docId), direction, filter);
  }

  getDoc(docId: string): DocumentDetail {
    const doc = this.document(docId);
    const loaded = loadStoredDocument(this.store, doc);
    const settings = this.settings();
    const path = this.store.sources.path.get(doc.source_id) ?? '';
    return {
      row: toDocumentRow({ ...doc, path, head: doc.text }),
      doc: toProgramView('doc', loaded.programs.doc),
      chunk: toProgramView('chunk', loaded.programs.chunk),
      ultrax: toProgramView('ultrax', loaded.programs.ultrax),
      execution: toExecutionView(loaded, executeDocument(loaded, settings), settings),
      revertTo: revertTarget(this.store, doc.seq),
    };
  }

  /** Per-programmer retention over the corpus, a time slice of its pass per call (main/workspace/programmer-retention.ts). */
  programmerRetention(request: RetentionRequest = { resume: false, budgetMs: 200 }): ProgrammerRetentionPass {
    return this.retention.advance(this.settings(), request);
  }

  /** Every programmer's refinement of the document side by side (main/workspace/compare.ts). */
  compare(docId: string, programmers?: readonly string[]): CompareView {
    return compareDocument(this.store, this.document(docId), this.settings(), programmers);
  }

  /**
   * Executes edited programs without storing them: ProX's two (doc, chunk), or an UltraX one
   * when `ultrax` is given. Reasons and switched-off operations follow their program lines.
   */
  preview(docId: string, docProgram: string | null, chunkProgram: string | null, ultraxProgram?: string | null): ExecutionView {
    const edited = ultraxProgram != null ? { doc: null, chunk: null, ultrax: ultraxProgram } : { doc: docProgram, chunk: chunkProgram };
    return previewEdit(this.store, this.document(docId), edited, this.settings());
  }

  /**
   * A hand-edited program replaces the programmer's (kept for `revertProgram`); a later refine
   * with any programmer keeps it. A document has programs of one dialect at a time: saving an
   * UltraX program removes its ProX ones, and the other way round.
   */
  saveProgram(docId: string, stage: ProgramSlot, text: string): DocumentDetail {
    const doc = this.document(docId);
    this.store.db.transaction(() => saveEdit(this.store, doc, stage, text, this.settings())).immediate();
    return this.getDoc(docId);
  }

  /** Back to the programmer's programs, with the operations that were switched off before the edit. */
  revertProgram(docId: string): DocumentDetail {
    const doc = this.document(docId);
    this.store.db.transaction(() => revertEdits(this.store, doc, this.settings())).immediate();
    return this.getDoc(docId);
  }

  /**
   * Refines one document now, as a batch would (main/jobs/refine-document.ts), and returns it as
   * it is then. `spec` defaults to the last batch's programmer (with its stages), else the
   * default rule preset. Holds the writer lock meanwhile, so it waits for no batch: one that
   * runs (or is paused) makes this 'busy'. A stage holding a hand edit is refused by name.
   */
  async refineDocument(docId: string, spec?: ProgrammerSpec, stages?: StageSelection): Promise<DocRefineResult> {
    const doc = this.document(docId);
    const last = this.store.jobs.last.get();
    let chosen: ProgrammerSpec = spec ?? { type: 'rules', preset: DEFAULT_RULE_PRESET };
    let selection: StageSelection = stages ?? 'both';
    if (!spec && last) {
      const parsed = ProgrammerSpecSchema.safeParse(safeJson(last.spec));
      const lastStages = StageSelectionSchema.safeParse(last.stages);
      if (parsed.success) {
        chosen = parsed.data;
        if (!stages && lastStages.success) selection = lastStages.data;
      }
    }
    const loaded = loadStoredDocument(this.store, doc);
    const edited = (['doc', 'chunk', 'ultrax'] as const).filter((stage) => loaded.programs[stage]?.edited === 1);
    if (edited.length > 0) {
      throw new WorkspaceError('invalid_input', `${docId} has a program edited by hand (${edited.join(', ')} stage), which a refine keeps: revert to the programmer's output first, then refine it`);
    }
    if (this.jobs.running && !['done', 'failed', 'cancelled'].includes(this.jobs.current().state)) {
      throw new WorkspaceError('busy', `a batch is ${this.jobs.current().state} in this workspace; refine this document when it has ended (or cancel it)`);
    }
    if (this.jobs.running) await this.jobs.finished();
    const before = doc.status as DocRefineResult['before'];
    const lock = this.lockForWriting('refine');
    let outcome;
    try {
      this.followFidelity(chosen);
      outcome = await refineOneDocument(this.store, doc.seq, chosen, selection, { modelsDir: this.modelsDir, signal: lock.lost });
    } catch (err) {
      throw new WorkspaceError(err instanceof ProgrammerSpecError ? 'invalid_input' : 'failed', `could not refine ${docId}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.unlock(lock);
    }
    const detail = this.getDoc(docId);
    return { detail, programmer: outcome.programmer, wrote: outcome.wrote, fromCache: outcome.fromCache, before, after: detail.row.status, failure: outcome.failure };
  }

  setOperation(docId: string, stage: ProgramSlot, line: number, enabled: boolean): ExecutionView {
    const doc = this.document(docId);
    const { db, toggles } = this.store;
    db
      .transaction(() => {
        if (enabled) toggles.enableOp.run(doc.seq, stage, line);
        else toggles.disableOp.run(doc.seq, stage, line);
        recomputeDerived(this.store, doc.seq, this.settings());
      })
      .immediate();
    return this.getDoc(docId).execution;
  }

  // ------------------------------------------------------------------ toggles

  toggles(): Record<OperationKind, boolean> {
    const disabled = this.settings().disabledKinds;
    return Object.fromEntries(OperationKindSchema.options.map((k) => [k, !disabled.has(k)])) as Record<OperationKind, boolean>;
  }

  /**
   * Switches an operation kind on or off for the whole workspace and returns at once. Review and
   * export read the toggles directly; the stored per-document columns the list filters and
   * counts on (status, lines removed, ...) are brought up to date by a background pass that
   * reports `statuses.progress` (minutes for a million refined documents).
   * Another toggle during the pass restarts it; a pass cut short by a crash resumes on open.
   */
  async setKind(kind: OperationKind, enabled: boolean): Promise<Record<OperationKind, boolean>> {
    this.assertOpen();
    this.store.db
      .transaction(() => {
        this.store.toggles.setKind.run(kind, enabled ? 1 : 0);
        this.store.meta.set.run(STATUSES_STALE, '1');
      })
      .immediate();
    this.restartStatusPass();
    return this.toggles();
  }

  /** Resolves once stored statuses match the toggles in force (no status pass running). */
  async statusesSettled(): Promise<void> {
    while (this.statusPass) await this.statusPass.done;
  }

  private restartStatusPass(): void {
    if (this.statusPass) this.statusPass.cancelled = true;
    const pass: StatusPass = { cancelled: false, done: Promise.resolve() };
    pass.done = this.recomputeStatuses(pass)
      .then(() => undefined, (err: unknown) => console.error(`refinery: updating document statuses failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        if (this.statusPass === pass) this.statusPass = null;
      });
    this.statusPass = pass;
  }

  private async recomputeStatuses(pass: StatusPass): Promise<number> {
    // Let the caller's reply go out first; a restarted pass also lets the cancelled one see its flag.
    await new Promise<void>((r) => setImmediate(r));
    const stopped = () => pass.cancelled || this.disposed;
    if (stopped()) return 0;
    const settings = this.settings();
    const { db, programs, meta } = this.store;
    const total = programs.refinedCount.get() ?? 0;
    let after = 0;
    let done = 0;
    let reported = 0;
    this.events.emit('statuses.progress', { done, total, running: true });
    while (!stopped()) {
      const seqs = programs.refinedSeqs.all(after, RECOMPUTE_BATCH);
      if (seqs.length === 0) {
        meta.set.run(STATUSES_STALE, '0');
        this.events.emit('statuses.progress', { done, total: Math.max(total, done), running: false });
        break;
      }
      db.transaction(() => {
        for (const seq of seqs) recomputeDerived(this.store, seq, settings);
      })();
      done += seqs.length;
      after = seqs[seqs.length - 1]!;
      if (performance.now() - reported >= STATUS_PROGRESS_INTERVAL_MS) {
        reported = performance.now();
        this.events.emit('statuses.progress', { done, total: Math.max(total, done), running: true });
      }
      await new Promise<void>((r) => setImmediate(r));
    }
    return done;
  }

  /** Strict or reference parsing changes what programs do: stored statuses follow in the background, like a kind toggle. */
  setParseMode(mode: 'strict' | 'reference'): void {
    this.assertOpen();
    if (this.settings().mode === mode) return;
    this.store.db
      .transaction(() => {
        this.store.meta.set.run('parseMode', mode);
        this.store.meta.set.run(STATUSES_STALE, '1');
      })
      .immediate();
    this.restartStatusPass();
  }

  /**
   * A ProX model run that states its fidelity sets how this workspace reads programs: reference
   * fidelity's free-form outputs are read with the reference parser, as GAIR-NLP/ProX executes
   * them (`drop` anywhere drops, its error weights), improved fidelity's with the strict one.
   * A spec with no fidelity leaves the mode as it is. Returns the mode switched to, or null.
   */
  followFidelity(spec: ProgrammerSpec): 'strict' | 'reference' | null {
    const fidelity = proxFidelity(spec);
    if (fidelity === undefined) return null;
    const mode = fidelity === 'reference' ? 'reference' : 'strict';
    if (this.settings().mode === mode) return null;
    this.setParseMode(mode);
    return mode;
  }

  // ------------------------------------------------------------------ refine jobs

  /** `retryFailed` false: documents whose programmer failed in an earlier run stay failed (the CLI's --no-retry); default true. */
  async startRefine(spec: ProgrammerSpec, stages: StageSelection, retryFailed = true): Promise<JobStatus> {
    this.assertOpen();
    // A job that has reported its end may still be closing its worker (and holding the lock): wait for that.
    if (this.jobs.running && ['done', 'failed', 'cancelled'].includes(this.jobs.current().state)) await this.jobs.finished();
    if (this.jobs.running) throw new WorkspaceError('busy', `a refine job is already ${this.jobs.current().state} in this workspace; pause, cancel or wait for it first`);
    const lock = this.lockForWriting('refine');
    this.followFidelity(spec);
    let status: JobStatus;
    try {
      status = await this.jobs.start({ spec, stages, retryFailed, modelsDir: this.modelsDir });
    } catch (err) {
      this.unlock(lock);
      throw new WorkspaceError('busy', err instanceof Error ? err.message : String(err));
    }
    // The worker thread writes; this thread holds the lock (and its heartbeat) until it exits.
    const onLost = () => this.jobs.cancel();
    lock.lost.addEventListener('abort', onLost, { once: true });
    void this.jobs.finished().finally(() => {
      lock.lost.removeEventListener('abort', onLost);
      this.unlock(lock);
    });
    return status;
  }
  /**
   * Runs a refine job in this thread until it ends: the CLI's way, where nothing else runs
   * meanwhile. The app uses startRefine, which runs the job in a worker thread.
   */
  async refine(request: Omit<RefineRequest, 'modelsDir'>, hooks: RefineJobHooks = {}): Promise<JobStatus> {
    this.assertOpen();
    if (this.jobs.running) throw new WorkspaceError('busy', 'a refine job is already running in this workspace; pause or cancel it first');
    const lock = this.lockForWriting('refine');
    try {
      this.followFidelity(request.spec);
      const signal = hooks.signal ? AbortSignal.any([hooks.signal, lock.lost]) : lock.lost;
      const final = await runRefineJob(this.store, { ...request, modelsDir: this.modelsDir }, { ...hooks, signal });
      if (lock.lost.aborted && !hooks.signal?.aborted) return { ...final, message: `${final.message ?? 'stopped'}; ${(lock.lost.reason as Error).message}` };
      return final;
    } finally {
      this.unlock(lock);
    }
  }

  /**
   * Takes the workspace's writer lock for a job, or throws WorkspaceError('busy') naming the
   * process that holds it (writer-lock.ts). One job at a time per workspace object, too.
   */
  private lockForWriting(purpose: WriterPurpose): WriterLock {
    if (this.writerLock) throw new WorkspaceError('busy', `this workspace is busy with ${this.writerLock.holder.purpose}; wait for it to finish`);
    const lock = WriterLock.acquire(this.store, this.dbPath, purpose);
    this.writerLock = lock;
    return lock;
  }

  private unlock(lock: WriterLock): void {
    lock.release();
    if (this.writerLock === lock) this.writerLock = null;
  }

  pauseRefine(): JobStatus {
    return this.jobs.pause();
  }
  resumeRefine(): JobStatus {
    return this.jobs.resume();
  }
  cancelRefine(): JobStatus {
    return this.jobs.cancel();
  }
  refineStatus(): JobStatus {
    return this.jobs.current();
  }
  refineFinished(): Promise<JobStatus> {
    return this.jobs.finished();
  }
  refineErrors(limit: number): { docId: string; stage: ProgramSlot; message: string }[] {
    return this.store.programs.failures.all(limit).map((r) => ({ docId: r.id, stage: r.stage as ProgramSlot, message: r.failure }));
  }

  // ------------------------------------------------------------------ export, stats

  /**
   * Where an export named `out` goes for the app and the HTTP API: a relative name is taken
   * inside the corpus folder (beside the file, for a one-file corpus), never in whatever folder
   * the server happened to start in. The CLI resolves its --out against the shell's folder.
   */
  exportPath(out: string): string {
    if (isAbsolute(out)) return out;
    let base = this.folder;
    try {
      if (!statSync(this.folder).isDirectory()) base = dirname(this.folder);
    } catch {
      // The folder is gone: the export says so when it opens the file.
    }
    return resolve(base, out);
  }

  async export(request: ExportRequest, signal?: AbortSignal): Promise<ExportResult> {
    const result = await exportWorkspace(this.store, this.settings(), request, { signal, onProgress: (p) => this.events.emit('export.progress', p) });
    this.rememberExports([result.path, ...result.auditFiles]);
    return result;
  }

  /** Files this workspace exported to: never read back as corpus input when they sit in the folder. */
  exportedPaths(): string[] {
    try {
      const parsed = JSON.parse(this.store.meta.value.get('exports') ?? '[]') as unknown;
      return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string') : [];
    } catch {
      return [];
    }
  }

  private rememberExports(paths: readonly string[]): void {
    const all = [...new Set([...paths.map((p) => resolve(p)), ...this.exportedPaths()])].slice(0, MAX_REMEMBERED_EXPORTS);
    this.store.meta.set.run('exports', JSON.stringify(all));
  }

  stats(): Stats {
    return computeStats(this.store, this.settings());
  }

  // ------------------------------------------------------------------ lifecycle

  settings(): ExecutionSettings {
    return readSettings(this.store);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.statusPass?.done;
    await this.jobs.dispose();
    this.writerLock?.release();
    this.writerLock = null;
    this.events.clear();
    this.store.db.close();
  }

  private document(docId: string): DocumentRecord {
    this.assertOpen();
    const doc = this.store.documents.byId.get(docId);
    if (!doc) throw new WorkspaceError('not_found', `no document with id "${docId}" in ${this.folder}`);
    return doc;
  }

  private assertOpen(): void {
    if (this.disposed) throw new WorkspaceError('no_workspace', 'this workspace was closed; open the folder again');
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
