/**
 * The whole API between the UI and the Node side, defined once.
 *
 * Every method is a name -> { input, output } pair of zod schemas; every event is a
 * name -> payload schema. The same map is served over Electron IPC (preload bridge), over
 * HTTP + server-sent events (main/server.ts), and called directly by tests. Inputs are
 * validated at every boundary; the renderer imports only this folder, never main/.
 */
import { z } from 'zod';
import { DEFAULT_RULE_PRESET } from './programmer-ref';

export { DEFAULT_RULE_PRESET, isRemoteModelSource, parseProgrammerRef, type ProgrammerRef } from './programmer-ref';
export { compressionFor, EXPORT_EXTENSION, withCompression } from './export-names';
export { renamedIdsWarning, renamedLocation, type RenamedIds } from './renamed-ids';

// ---------------------------------------------------------------- shared shapes

/** Operation kinds of both dialects: ProX (doc, chunk stages) and UltraX (remove_lines is shared). */
export const OperationKindSchema = z.enum(['drop_doc', 'keep_doc', 'keep_chunk', 'remove_lines', 'normalize', 'keep_all', 'remove_all', 'replace_str', 'add_line']);
export type OperationKind = z.infer<typeof OperationKindSchema>;

/** Where a program is stored: ProX's doc and chunk stages, or UltraX's one whole-document program. */
export const StageSchema = z.enum(['doc', 'chunk', 'ultrax']);
export type Stage = z.infer<typeof StageSchema>;

export const ParseModeSchema = z.enum(['strict', 'reference']);

/** Which stages a refine runs: ProX's (doc, chunk, both) or UltraX's. */
export const StageSelectionSchema = z.enum(['doc', 'chunk', 'both', 'ultrax']);
export type StageSelection = z.infer<typeof StageSelectionSchema>;

/**
 * How faithfully models run their reference pipeline: 'improved' (the default: answers
 * constrained by a grammar, ...) or 'reference' (as the reference implementation runs it).
 * UltraX models take it today; ProX models take it with issue 11's fidelity work.
 */
export const FidelitySchema = z.enum(['improved', 'reference']);
export type Fidelity = z.infer<typeof FidelitySchema>;

/** How an UltraX model cuts and answers: window size, answer length, the instruction file. */
export const UltraxOptionsSchema = z.object({
  maxChars: z.number().int().min(1).optional(),
  /** Longest answer per window (UltraX's default 4,096). */
  maxNewTokens: z.number().int().min(1).optional(),
  /** Path of UltraX's inference.py (or a text file with the instruction), when the model file does not carry it. */
  instruction: z.string().optional(),
});
export type UltraxOptions = z.infer<typeof UltraxOptionsSchema>;

/** Which programmer writes the programs of a run. */
export const ProgrammerSpecSchema = z.discriminatedUnion('type', [
  /** Heuristic rules projected into the program space; preset web (the default) | c4 | gopher | fineweb | prox-lines | all, combined with + and tuned with ,rule=value / ,-rule */
  z.object({ type: z.literal('rules'), preset: z.string().default(DEFAULT_RULE_PRESET) }),
  /** A built-in refining profile (prox-web, prox-math, ultrax) naming a model per stage. */
  z.object({ type: z.literal('profile'), name: z.string(), fidelity: FidelitySchema.optional(), ultraxOptions: UltraxOptionsSchema.optional() }),
  /** One programmer per stage: a model id / GGUF path / hf: URI, `openai:<url>[#model][@N][,<url>...]` (remote servers), or `rules[:preset]` (ProX stages only). */
  z.object({ type: z.literal('stages'), doc: z.string().optional(), chunk: z.string().optional(), ultrax: z.string().optional(), fidelity: FidelitySchema.optional(), ultraxOptions: UltraxOptionsSchema.optional() }),
]);
export type ProgrammerSpec = z.infer<typeof ProgrammerSpecSchema>;

export const DocStatusSchema = z.enum(['pending', 'kept', 'dropped', 'modified', 'error']);
export type DocStatus = z.infer<typeof DocStatusSchema>;

export const WorkspaceSummarySchema = z.object({
  id: z.string(),
  folder: z.string(),
  dbPath: z.string(),
  documents: z.number().int(),
  sources: z.number().int(),
  scanErrors: z.number().int(),
  /**
   * Documents whose input id another document already had: they got `<file>:<line>` ids (export
   * keeps the input's in metadata.input.id). Counted over the files as last read; 0 for files
   * read before Refinery kept this count. renamedIdsWarning (contract/renamed-ids.ts) words it.
   */
  idsRenamed: z.number().int(),
  /** The first such document (its input id, file and line), null when none. */
  firstRenamed: z.object({ id: z.string(), file: z.string(), locator: z.number().int().nullable() }).nullable(),
  bytes: z.number(),
  openedAt: z.string(),
});
export type WorkspaceSummary = z.infer<typeof WorkspaceSummarySchema>;

export const RecentWorkspaceSchema = z.object({ folder: z.string(), openedAt: z.string(), documents: z.number().int() });

export const DocumentRowSchema = z.object({
  id: z.string(),
  /** Source file relative to the workspace folder, and line (jsonl) / row (parquet) / index (json). */
  file: z.string(),
  locator: z.number().int().nullable(),
  /** The first line near the top that is not navigation ("Home>>", "Skip to content"), shortened: for the list and the header. */
  title: z.string(),
  words: z.number().int(),
  status: DocStatusSchema,
  linesRemoved: z.number().int(),
  normalized: z.number().int(),
  hasErrors: z.boolean(),
});
export type DocumentRow = z.infer<typeof DocumentRowSchema>;

export const DocFilterSchema = z.enum(['all', 'pending', 'kept', 'dropped', 'modified', 'errors']);
export const DocSortSchema = z.enum(['order', 'words', 'linesRemoved', 'id']);
export type DocFilter = z.infer<typeof DocFilterSchema>;
export type DocSort = z.infer<typeof DocSortSchema>;

/** Which documents the list shows and in what order (paging aside). */
export const ListQuerySchema = z.object({
  filter: DocFilterSchema.default('all'),
  search: z.string().default(''),
  sort: DocSortSchema.default('order'),
  descending: z.boolean().default(false),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;
const PageSchema = z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(200) });
export type ListPageQuery = ListQuery & z.infer<typeof PageSchema>;

/**
 * Documents per list filter (the chips' counts), for the documents matching a search (all when
 * empty). kept + modified is what Stats and Batch call kept; errors counts has_errors (a failed
 * programmer or program errors), so it overlaps the others.
 */
export const DocCountsSchema = z.object({
  all: z.number().int(),
  pending: z.number().int(),
  kept: z.number().int(),
  modified: z.number().int(),
  dropped: z.number().int(),
  errors: z.number().int(),
});
export type DocCounts = z.infer<typeof DocCountsSchema>;

export const ProgramViewSchema = z.object({
  stage: StageSchema,
  text: z.string(),
  programmer: z.string(),
  keepProbability: z.number().nullable(),
  failure: z.string().nullable(),
  /** Reasons per program line (0-based), e.g. "gopher: symbol/word 0.14 > 0.10". */
  notes: z.array(z.object({ line: z.number().int(), reason: z.string().optional(), probability: z.number().optional() })),
});
export type ProgramView = z.infer<typeof ProgramViewSchema>;

export const OperationViewSchema = z.object({
  stage: StageSchema,
  /** 0-based program line: the stable handle of an operation for toggles. */
  line: z.number().int(),
  kind: OperationKindSchema,
  source: z.string(),
  enabled: z.boolean(),
  /** Off because its whole kind is switched off for the workspace. */
  kindDisabled: z.boolean(),
  /**
   * remove_lines: the document lines it names (0-based, inclusive, as written: a range past
   * the end or reversed is possible), or 'all'; null for other kinds. The UI predicts a
   * toggle's effect from it without reading program text.
   */
  lines: z.union([z.literal('all'), z.object({ start: z.number().int(), end: z.number().int() })]).nullable(),
  reason: z.string().nullable(),
  probability: z.number().nullable(),
  /** What it did in this execution: lines removed, occurrences replaced, lines inserted (UltraX add_line). */
  linesRemoved: z.number().int(),
  replacements: z.number().int(),
  linesAdded: z.number().int().optional(),
  errors: z.array(z.string()),
});
export type OperationView = z.infer<typeof OperationViewSchema>;

export const ProgramErrorViewSchema = z.object({ stage: StageSchema, line: z.number().int(), column: z.number().int(), message: z.string(), counted: z.boolean() });
export type ProgramErrorView = z.infer<typeof ProgramErrorViewSchema>;

export const ExecutionViewSchema = z.object({
  original: z.string(),
  refined: z.string(),
  dropped: z.boolean(),
  dropReason: z.string().nullable(),
  /**
   * For each original line (0-based): program line of the remove_lines that removed it, or null;
   * -1 for a blank line UltraX's final newline cleanup collapsed.
   */
  removedBy: z.array(z.number().int().nullable()),
  /** Normalized spans as [start, end) offsets in the original text, with the replacement. */
  replacements: z.array(z.object({ op: z.number().int(), start: z.number().int(), end: z.number().int(), to: z.string() })),
  /** Lines an UltraX program inserted, after original line `after` (-1: before the first), by program line `op`. */
  added: z.array(z.object({ after: z.number().int(), text: z.string(), op: z.number().int() })).optional(),
  errorCount: z.number().int(),
  cancelled: z.boolean(),
  /**
   * Every parse and range error of the programs, where it is (0-based program line and
   * column): a line that is no operation (a syntax error) has no operation row to show it on.
   * `counted`: it counts toward the cancel rule (its line and kind are switched on).
   */
  errors: z.array(ProgramErrorViewSchema),
  operations: z.array(OperationViewSchema),
});
export type ExecutionView = z.infer<typeof ExecutionViewSchema>;

/**
 * One programmer's refinement of a document in the compare view: the programs every
 * programmer wrote for its text (kept side by side in the program cache), executed with no
 * per-document switched-off operations and the workspace's kind toggles.
 */
export const CompareRefinementSchema = z.object({
  /** The programmer's cache key (programmer id, model, versions, parameters). */
  key: z.string(),
  /** The run's label, or the key when no run names it. */
  label: z.string(),
  dialect: z.enum(['prox', 'ultrax']),
  stages: z.array(StageSchema),
  verdict: z.enum(['kept', 'modified', 'dropped']),
  refined: z.string(),
  /** Per original line (0-based): whether this refinement kept it. */
  kept: z.array(z.boolean()),
  keptWords: z.number().int(),
  originalWords: z.number().int(),
});
export type CompareRefinement = z.infer<typeof CompareRefinementSchema>;

export const CompareViewSchema = z.object({
  docId: z.string(),
  /** The document's original lines. */
  lines: z.array(z.string()),
  refinements: z.array(CompareRefinementSchema),
  agreement: z.object({
    /** Lines every refinement kept, some but not all, none. */
    keptByAll: z.number().int(),
    keptBySome: z.number().int(),
    keptByNone: z.number().int(),
    /** Whether every refinement reached the same verdict (kept, modified, dropped). */
    verdictsAgree: z.boolean(),
  }),
});
export type CompareView = z.infer<typeof CompareViewSchema>;

/**
 * One programmer's retention over the corpus: the documents it refined and kept, and the words
 * and tokens (estimated for the Llama-2 vocabulary, as Stats' corpus figures) of those documents
 * before and after its refinement.
 */
export const ProgrammerRetentionSchema = z.object({
  key: z.string(),
  label: z.string(),
  dialect: z.enum(['prox', 'ultrax']),
  documents: z.number().int(),
  keptDocuments: z.number().int(),
  originalWords: z.number().int(),
  keptWords: z.number().int(),
  originalTokens: z.number().int(),
  keptTokens: z.number().int(),
});
export type ProgrammerRetention = z.infer<typeof ProgrammerRetentionSchema>;

/**
 * Per-programmer retention, computed a page of documents per call (every programmer's programs
 * are executed for every document, too much for one request on a large corpus). The workspace
 * keeps one pass: each call advances it; a finished pass is kept until the programs change.
 */
export const ProgrammerRetentionPassSchema = z.object({
  /** Totals over the documents done so far (all of them once `complete`). */
  programmers: z.array(ProgrammerRetentionSchema),
  done: z.number().int(),
  total: z.number().int(),
  complete: z.boolean(),
  /** Programs, runs or sources changed since this pass began (a refine ran meanwhile): a fresh call starts over. */
  stale: z.boolean(),
  /** Milliseconds this pass has spent executing programs so far. */
  elapsedMs: z.number(),
});
export type ProgrammerRetentionPass = z.infer<typeof ProgrammerRetentionPassSchema>;

export const DocumentDetailSchema = z.object({
  row: DocumentRowSchema,
  doc: ProgramViewSchema.nullable(),
  chunk: ProgramViewSchema.nullable(),
  /** The UltraX program, when the document was refined in that dialect (then doc and chunk are null). */
  ultrax: ProgramViewSchema.nullable().optional(),
  execution: ExecutionViewSchema,
  /**
   * Set when a hand edit replaced programs of this document: what `doc.revertProgram` goes back
   * to (the programmer's label, or null when the document had no program before the edit).
   */
  revertTo: z.object({ programmer: z.string().nullable() }).nullable().optional(),
});
export type DocumentDetail = z.infer<typeof DocumentDetailSchema>;

/** What "refine this document now" did: the document as it is now, and in words what changed. */
export const DocRefineResultSchema = z.object({
  detail: DocumentDetailSchema,
  /** The programmer as a batch would name it (`rules:fineweb+prox-lines`, a model's label). */
  programmer: z.string(),
  /** Stages whose program was written now (empty: the programmer's programs were there already). */
  wrote: z.array(StageSchema),
  /** Of those, answered from the program cache (the same text refined before by this programmer). */
  fromCache: z.number().int(),
  /** Status before and after. */
  before: DocStatusSchema,
  after: DocStatusSchema,
  /** The programmer failed on it (its message), as in a batch: the document is listed under Errors. */
  failure: z.string().nullable(),
});
export type DocRefineResult = z.infer<typeof DocRefineResultSchema>;

export const JobStateSchema = z.enum(['idle', 'running', 'paused', 'done', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobStateSchema>;
export const EndpointStatusSchema = z.object({
  url: z.string(),
  model: z.string(),
  state: z.enum(['up', 'backing-off', 'retired']),
  inFlight: z.number().int(),
  concurrency: z.number().int(),
  requests: z.number().int(),
  failures: z.number().int(),
  tokensPerSecond: z.number(),
  lastError: z.string().nullable(),
});

export const JobStatusSchema = z.object({
  id: z.string().nullable(),
  state: JobStateSchema,
  programmer: z.string().nullable(),
  /** What the batch was started with (null before the first batch, or for a record this version cannot read). */
  spec: ProgrammerSpecSchema.nullable(),
  stage: StageSchema.nullable(),
  done: z.number().int(),
  total: z.number().int(),
  stages: z.array(z.object({ stage: StageSchema, done: z.number().int(), total: z.number().int() })),
  docsPerSecond: z.number(),
  tokensPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  errors: z.number().int(),
  message: z.string().nullable(),
  startedAt: z.string().nullable(),
  /** When a batch ended (done or failed); null while it runs. */
  finishedAt: z.string().nullable().optional(),
  /**
   * What the workspace's documents are after a batch that ended: counted by status (kept
   * unchanged, modified, dropped, failed, not refined). Null while a batch runs.
   */
  outcome: z.object({ documents: z.number().int(), kept: z.number().int(), modified: z.number().int(), dropped: z.number().int(), errors: z.number().int(), pending: z.number().int() }).nullable().optional(),
  /** Remote programmers: each inference server's state and tokens/s. */
  endpoints: z.array(EndpointStatusSchema).optional(),
});
export type JobStatus = z.infer<typeof JobStatusSchema>;

export const ScanProgressSchema = z.object({
  filesDone: z.number().int(),
  filesTotal: z.number().int(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  documents: z.number().int(),
  errors: z.number().int(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  done: z.boolean(),
});
export type ScanProgress = z.infer<typeof ScanProgressSchema>;

export const ScanErrorSchema = z.object({ file: z.string(), line: z.number().int().nullable(), field: z.string().nullable(), message: z.string() });
export type ScanError = z.infer<typeof ScanErrorSchema>;

export const CompressionSchema = z.enum(['none', 'gzip', 'zstd']);
export type Compression = z.infer<typeof CompressionSchema>;
export const ExportRequestSchema = z.object({
  out: z.string().min(1),
  /** Default: what the file name says (.gz, .zst, else none); one the name contradicts is refused. */
  compression: CompressionSchema.optional(),
  auditDropped: z.boolean().default(false),
  auditRemovedLines: z.boolean().default(false),
  /**
   * Documents whose programmer failed: 'include' writes them (the text as far as their other
   * programs go) with metadata.failed naming each failed stage and why (the default); 'hold' leaves them out.
   */
  failed: z.enum(['include', 'hold']).optional(),
  /** Only the documents of shard `index` of `count` (0-based): one part of a corpus exported in parallel. */
  shard: z.object({ index: z.number().int().min(0), count: z.number().int().min(1) }).optional(),
  /**
   * Replace a file that is there and is not a previous export (without it such a file is left
   * alone and the export refused). A relative `out` is resolved against the corpus folder.
   */
  overwrite: z.boolean().optional(),
});
export type ExportRequest = z.infer<typeof ExportRequestSchema>;
export const ExportResultSchema = z.object({
  path: z.string(),
  documents: z.number().int(),
  bytes: z.number(),
  auditFiles: z.array(z.string()),
  /** Failed documents written with metadata.failed (failed: 'include') or held back ('hold'). */
  failed: z.number().int().optional(),
});
export const ExportProgressSchema = z.object({ done: z.number().int(), total: z.number().int(), bytes: z.number(), etaSeconds: z.number().nullable() });
export type ExportProgress = z.infer<typeof ExportProgressSchema>;
/** The background pass that brings stored document statuses in line with changed kind toggles. */
export const StatusPassProgressSchema = z.object({ done: z.number().int(), total: z.number().int(), running: z.boolean() });
export type StatusPassProgress = z.infer<typeof StatusPassProgressSchema>;

export const HistogramSchema = z.object({ edges: z.array(z.number()), before: z.array(z.number().int()), after: z.array(z.number().int()) });
const RuleValueSchema = z.union([z.number(), z.boolean()]);
/** The rule programmer's presets and rules, for choosing and switching them off in the UI. */
export const RuleCatalogSchema = z.object({
  defaultPreset: z.string(),
  presets: z.array(z.object({ name: z.string(), description: z.string(), rules: z.array(z.object({ key: z.string(), value: RuleValueSchema })) })),
  rules: z.array(z.object({ key: z.string(), group: z.string(), kind: z.enum(['page', 'line', 'setting']), value: RuleValueSchema, description: z.string() })),
});
export type RuleCatalog = z.infer<typeof RuleCatalogSchema>;

/** What one rule took: pages it dropped, pages it changed in any way, lines it removed. */
export const RuleStatsSchema = z.object({
  pages: z.number().int(),
  dropped: z.number().int(),
  lines: z.number().int(),
  /** What the rule does, for rules of the rule programmer; null for a reason from elsewhere. */
  description: z.string().nullable(),
});
export type RuleStats = z.infer<typeof RuleStatsSchema>;

export const StatsSchema = z.object({
  documents: z.object({ before: z.number().int(), after: z.number().int() }),
  words: z.object({ before: z.number(), after: z.number() }),
  tokens: z.object({ before: z.number(), after: z.number(), estimated: z.boolean() }),
  /** Documents with a program of each stage that did not fail. */
  refined: z.object({ doc: z.number().int(), chunk: z.number().int(), ultrax: z.number().int() }),
  /** Documents whose programmer failed, per stage, and in all (Corpus: Errors; retried by the next refine). */
  failed: z.object({ documents: z.number().int(), doc: z.number().int(), chunk: z.number().int(), ultrax: z.number().int() }),
  operations: z.record(z.string(), z.number().int()),
  /** Per rule key (`web.menus`), or per reason with its numbers masked for notes that name no rule. */
  rules: z.record(z.string(), RuleStatsSchema),
  lengthHistogram: HistogramSchema,
});
export type Stats = z.infer<typeof StatsSchema>;

export const ModelInfoSchema = z.object({
  id: z.string(),
  path: z.string(),
  name: z.string(),
  bytes: z.number(),
  architecture: z.string().nullable(),
  parameters: z.number().nullable(),
  quantization: z.string().nullable(),
  sha256: z.string().nullable(),
});
export const RuntimeInfoSchema = z.object({
  backend: z.string(),
  device: z.string().nullable(),
  vramBytes: z.number().nullable(),
  gpuAvailable: z.boolean(),
  note: z.string().nullable(),
});
export const DownloadProgressSchema = z.object({ id: z.string(), file: z.string(), bytes: z.number(), total: z.number().nullable(), done: z.boolean(), error: z.string().nullable() });

/** One model a built-in profile needs: where it comes from, and the file that has it, once installed. */
export const ProfileModelSchema = z.object({
  stage: StageSchema,
  /** The released checkpoint on Hugging Face, e.g. gair-prox/web-doc-refining-lm. */
  repo: z.string(),
  parameters: z.string(),
  /** A public repository of GGUF builds of `repo`, downloaded instead of converting; null: the install converts the checkpoint. */
  gguf: z.string().nullable(),
  /** What the model's licence asks of users (UltraX: no redistribution), or null. */
  licence: z.string().nullable(),
  /** The model's file in the models folder, or null when it is not installed. */
  installed: z.string().nullable(),
});
export const ProfileInfoSchema = z.object({
  name: z.string(),
  description: z.string(),
  /** Every model is installed: a batch with this profile can start. */
  ready: z.boolean(),
  models: z.array(ProfileModelSchema),
  modelsDir: z.string(),
});
export type ProfileInfo = z.infer<typeof ProfileInfoSchema>;
/**
 * Progress of `models.installProfile`, one model (step) after the other: what is being done to
 * which repository, bytes done of the current file (a download, or the tensors a conversion
 * writes), its rate and the time left.
 */
export const InstallProgressSchema = z.object({
  profile: z.string(),
  state: z.enum(['running', 'done', 'cancelled', 'failed']),
  /** 1-based model being installed, of `steps`. */
  step: z.number().int(),
  steps: z.number().int(),
  stage: StageSchema,
  /** The repository this step reads: the GGUF repository when downloading a build, else the checkpoint's. */
  repo: z.string(),
  action: z.enum(['present', 'download', 'fetch-checkpoint', 'convert', 'installed']),
  /** The file being fetched or written, with "(i of n)" for a checkpoint's files. */
  file: z.string().nullable(),
  bytes: z.number(),
  total: z.number().nullable(),
  bytesPerSecond: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  /** Why it failed or was cancelled, or how it ended. */
  message: z.string().nullable(),
});
export type InstallProgress = z.infer<typeof InstallProgressSchema>;

// ---------------------------------------------------------------- methods

const Empty = z.object({}).strict();
const DocRef = z.object({ docId: z.string() });

export const methods = {
  'app.info': { input: Empty, output: z.object({ version: z.string(), shell: z.enum(['electron', 'browser', 'test']) }) },

  'workspace.open': { input: z.object({ folder: z.string().min(1), textField: z.string().optional(), idField: z.string().optional() }), output: WorkspaceSummarySchema },
  'workspace.current': { input: Empty, output: WorkspaceSummarySchema.nullable() },
  'workspace.recent': { input: Empty, output: z.array(RecentWorkspaceSchema) },
  'workspace.rescan': { input: Empty, output: WorkspaceSummarySchema },
  'workspace.scanErrors': { input: PageSchema, output: z.object({ total: z.number().int(), rows: z.array(ScanErrorSchema) }) },

  'docs.list': { input: ListQuerySchema.extend(PageSchema.shape), output: z.object({ total: z.number().int(), rows: z.array(DocumentRowSchema) }) },
  /** The rows of these documents as the list shows them (ids not in the workspace are left out): refreshes one row after a toggle without re-sorting the list. */
  'docs.rows': { input: z.object({ ids: z.array(z.string()).min(1).max(1000) }), output: z.array(DocumentRowSchema) },
  'docs.counts': { input: z.object({ search: z.string().default('') }), output: DocCountsSchema },
  'docs.neighbor': { input: z.object({ docId: z.string(), direction: z.enum(['next', 'previous']), filter: DocFilterSchema.default('all') }), output: z.string().nullable() },
  'doc.get': { input: DocRef, output: DocumentDetailSchema },
  /** Execute an edited program without saving it (live preview while editing by hand). */
  /** Executes edited program texts without storing them; give doc + chunk (ProX) or ultrax. */
  /** Every programmer's refinement of the document side by side, with their agreement; `programmers`: only these keys (up to three). */
  'doc.compare': { input: DocRef.extend({ programmers: z.array(z.string()).max(3).optional() }), output: CompareViewSchema },
  'doc.preview': { input: z.object({ docId: z.string(), doc: z.string().nullable(), chunk: z.string().nullable(), ultrax: z.string().nullable().optional() }), output: ExecutionViewSchema },
  /** Save a hand-edited program; it replaces the programmer's for this document. */
  'doc.saveProgram': { input: z.object({ docId: z.string(), stage: StageSchema, text: z.string() }), output: DocumentDetailSchema },
  /** Undo every hand edit of the document: the programmer's programs (and their switched-off operations) come back. */
  'doc.revertProgram': { input: DocRef, output: DocumentDetailSchema },
  /**
   * Refine one document now, through the same path as a batch (program cache included).
   * `programmer`: default the last batch's (with its stages), else the default rule preset.
   * Refused while a batch runs, and for a stage holding a hand edit (revert it first).
   */
  'doc.refine': { input: z.object({ docId: z.string(), programmer: ProgrammerSpecSchema.optional(), stages: StageSelectionSchema.optional() }), output: DocRefineResultSchema },
  'doc.setOperation': { input: z.object({ docId: z.string(), stage: StageSchema, line: z.number().int().min(0), enabled: z.boolean() }), output: ExecutionViewSchema },

  'toggles.get': { input: Empty, output: z.record(OperationKindSchema, z.boolean()) },
  'toggles.setKind': { input: z.object({ kind: OperationKindSchema, enabled: z.boolean() }), output: z.record(OperationKindSchema, z.boolean()) },

  /**
   * `retryFailed` (default true): documents whose programmer failed in an earlier run are asked
   * again; false keeps them failed (CLI `refine --no-retry`). A run never asks twice for a
   * document that failed during that same run.
   */
  'refine.start': { input: z.object({ programmer: ProgrammerSpecSchema, stages: StageSelectionSchema.default('both'), retryFailed: z.boolean().default(true) }), output: JobStatusSchema },
  'refine.pause': { input: Empty, output: JobStatusSchema },
  'refine.resume': { input: Empty, output: JobStatusSchema },
  'refine.cancel': { input: Empty, output: JobStatusSchema },
  'refine.status': { input: Empty, output: JobStatusSchema },
  'refine.errors': { input: z.object({ limit: z.number().int().min(1).max(1000).default(200) }), output: z.array(z.object({ docId: z.string(), stage: StageSchema, message: z.string() })) },

  'export.run': { input: ExportRequestSchema, output: ExportResultSchema },
  'stats.get': { input: Empty, output: StatsSchema },
  /**
   * Per-programmer retention over the corpus, every programmer whose programs are stored (the
   * compare view's data, summed), `budgetMs` of work per call (at least one document): call with
   * `resume: false` first (the finished pass when nothing changed since, else the pass under way
   * unless it was left alone for 5 s, or a new one), then with `resume: true` until `complete`.
   */
  'stats.programmers': {
    input: z.object({
      resume: z.boolean().default(false),
      budgetMs: z.number().int().min(1).max(10_000).default(200),
      /** At most this many documents this call (a fixed page, e.g. for tests); the time budget still applies. */
      documents: z.number().int().min(1).optional(),
    }),
    output: ProgrammerRetentionPassSchema,
  },
  'rules.catalog': { input: Empty, output: RuleCatalogSchema },

  'models.list': { input: Empty, output: z.array(ModelInfoSchema) },
  'models.runtime': { input: Empty, output: RuntimeInfoSchema },
  /** Add by local GGUF path, local checkpoint folder (converted to Q8_0), `hf:owner/repo[:quant]`, `owner/repo` (checkpoint, converted) or https URL; downloads and conversions report `models.download` events. */
  'models.add': { input: z.object({ source: z.string().min(1) }), output: ModelInfoSchema },
  'models.convert': { input: z.object({ checkpoint: z.string().min(1), type: z.enum(['f32', 'f16', 'q8_0']).default('q8_0') }), output: ModelInfoSchema },
  'models.try': { input: z.object({ docId: z.string(), model: z.string(), stage: StageSchema }), output: ProgramViewSchema },
  /** The built-in profiles (prox-web, prox-math, ultrax): the models each needs, from which repositories, and which are installed. */
  /** `fidelity` reference counts only 16/32-bit builds as installed (the weights the reference ran). */
  'models.profiles': { input: z.object({ fidelity: FidelitySchema.default('improved') }), output: z.array(ProfileInfoSchema) },
  /**
   * Installs every missing model of a profile: a GGUF build downloaded where the profile names one,
   * else the Hugging Face checkpoint fetched and converted to Q8_0 (fidelity reference: a 16-bit
   * build, or F16). One install at a time; progress
   * goes out as `models.install` events. Resolves when done or cancelled (models.cancelInstall);
   * an interrupted download resumes on the next install.
   */
  'models.installProfile': { input: z.object({ profile: z.string().min(1), fidelity: FidelitySchema.default('improved') }), output: z.object({ state: z.enum(['done', 'cancelled']), profile: ProfileInfoSchema }) },
  'models.cancelInstall': { input: Empty, output: z.object({ cancelled: z.boolean() }) },
  /** The running (or last) install's latest progress, for a screen opened mid-install; null before any. */
  'models.installStatus': { input: Empty, output: InstallProgressSchema.nullable() },
} as const;

// ---------------------------------------------------------------- events

export const events = {
  'scan.progress': ScanProgressSchema,
  'job.progress': JobStatusSchema,
  'export.progress': ExportProgressSchema,
  'statuses.progress': StatusPassProgressSchema,
  'models.download': DownloadProgressSchema,
  'models.install': InstallProgressSchema,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** A handler map: what main/ implements once and every transport serves. */
export type Handlers = { [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> };

/** What every transport gives the renderer. */
export interface ApiClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Errors cross the boundary as data: a code the UI can switch on, and a message for people. */
export const ApiErrorCodeSchema = z.enum(['invalid_input', 'not_found', 'no_workspace', 'busy', 'failed', 'unknown_method']);
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;
export const ApiErrorSchema = z.object({ code: ApiErrorCodeSchema, message: z.string() });
export type ApiErrorBody = z.infer<typeof ApiErrorSchema>;

/**
 * The answer to one call, as every transport carries it (the HTTP body, the IPC reply): the
 * error travels as data, never packed into an exception's message.
 */
export type CallReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };
export const CallReplySchema = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), result: z.unknown() }), z.object({ ok: z.literal(false), error: ApiErrorSchema })]);

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

// ---------------------------------------------------------------- desktop shell (added by the UI)

/**
 * What the Electron preload exposes to the renderer as `window.refinery`: calls and events,
 * plus the native dialogs a browser cannot offer. The browser shell has no bridge; the UI then
 * asks for paths in text fields.
 */
export interface ShellBridge {
  readonly shell: 'electron';
  /** One call; a failure is a reply with `ok: false`, not a rejection (rejections are for a broken IPC link). */
  invoke(method: MethodName, input: unknown): Promise<CallReply>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Native folder picker; null when cancelled. */
  chooseFolder(): Promise<string | null>;
  /** Native save dialog for an export; null when cancelled. */
  chooseExportFile(defaultName: string): Promise<string | null>;
  /** Menu commands (next document, open folder, ...) forwarded from the app menu. */
  onMenu(listener: (command: MenuCommand) => void): () => void;
}

export const MenuCommandSchema = z.enum(['open-folder', 'next-doc', 'previous-doc', 'show-corpus', 'show-batch', 'show-export', 'show-stats', 'show-models', 'show-problems', 'toggle-theme']);
export type MenuCommand = z.infer<typeof MenuCommandSchema>;
