/**
 * Export: one cleaned JSONL object per kept document, in corpus order, with its provenance
 * and the programs and toggles that produced it; optional audit files of dropped documents
 * and removed lines. All files are written to temp files and renamed only when everything
 * succeeded, so a failure leaves no partial file (the writer removes its temp file).
 */
import type { Compression, ExportProgress, ExportRequest } from '../../contract/api';
import { corpusPages, disabledOpsOfPage } from '../execution/corpus';
import type { ExecutionSettings } from '../execution/settings';
import { appliedCounts, executeStored, hasRunnableProgram, linesRemoved, NO_DISABLED_OPS, runnablePrograms, type DisabledOps, type RunnablePrograms } from '../execution/stored-program';
import { explainDrop, explainRemovedLines, type StagePrograms } from '../execution/explain';
import { inputFieldParts } from '../export/input-fields';
import { inShard, shardKey } from '../shards/shard';
import { jsonString } from '../export/json-string';
import { compressionFor, ExportError, openJsonlWriter, type ExportSummary, type JsonlWriter } from '../export/writer';
import { zstdImplementation } from '../export/zstd';
import type { DocumentExecution } from '../execution/document-execution';
import type { ExportRow, Store } from '../store';
import path from 'node:path';
import { checkExportTarget } from './export-target';

export type { ExportProgress, ExportRequest };

export interface ExportResult {
  path: string;
  documents: number;
  bytes: number;
  auditFiles: string[];
  dropped: number;
  seconds: number;
  /** Uncompressed JSONL bytes of the main file. */
  uncompressedBytes: number;
  /** Documents whose programmer failed: written with metadata.failed, or held back (request.failed 'hold'). */
  failed: number;
}

export interface ExportOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ExportProgress) => void;
  readonly progressIntervalMs?: number;
}

const PAGE = 100;

const SUFFIX: Record<Compression, string> = { none: '', gzip: '.gz', zstd: '.zst' };

/** `clean.jsonl.gz` + `dropped` -> `clean.dropped.jsonl.gz`. */
export function auditPath(out: string, name: string, compression: Compression): string {
  const base = out.replace(/(\.(jsonl|ndjson|json))?(\.(gz|zst|zstd))?$/i, '');
  return `${base}.${name}.jsonl${SUFFIX[compression]}`;
}

type Row = ExportRow;

type Output = 'main' | 'dropped' | 'removed';

/**
 * The compression an export uses: the one its file name says (.gz, .zst), as the CLI has
 * always done. A compression asked for that the name contradicts is refused, so a file named
 * .gz always is gzip.
 */
export function exportCompression(request: Pick<ExportRequest, 'out' | 'compression'>): Compression {
  const named = compressionFor(request.out);
  if (request.compression !== undefined && request.compression !== named) {
    const wanted = { none: 'no compression', gzip: 'gzip', zstd: 'zstd' }[request.compression];
    const suffix = { none: '.jsonl', gzip: '.jsonl.gz', zstd: '.jsonl.zst' }[request.compression];
    throw new ExportError(`${request.out} is named for ${named === 'none' ? 'an uncompressed file' : named}, but ${wanted} was asked for. Name the file …${suffix}, or choose the compression its name says.`);
  }
  return named;
}

export async function exportWorkspace(store: Store, settings: ExecutionSettings, requested: ExportRequest, options: ExportOptions = {}): Promise<ExportResult> {
  const started = performance.now();
  const request: ResolvedRequest = { ...requested, compression: exportCompression(requested) };
  const outputs: Output[] = ['main'];
  if (request.auditDropped) outputs.push('dropped');
  if (request.auditRemovedLines) outputs.push('removed');
  // Nothing that is not a previous export is replaced unless asked (export-target.ts).
  for (const output of outputs) await checkExportTarget(path.resolve(outputPath(request, output)), request.compression, request.overwrite ?? false);
  // The wasm zstd (runtimes before Node 22.15) compresses one stream per process at a time: then each file gets
  // its own pass over the corpus, committed before the next one opens.
  const passes = request.compression === 'zstd' && zstdImplementation() === 'wasm' ? outputs.map((o) => [o]) : [outputs];
  const committed: { output: Output; summary: ExportSummary }[] = [];
  let counts = { kept: 0, dropped: 0, failed: 0 };
  for (const [i, pass] of passes.entries()) {
    const result = await exportPass(store, settings, request, pass, { ...options, onProgress: i === 0 ? options.onProgress : undefined });
    committed.push(...result.summaries);
    if (i === 0) counts = result.counts;
  }
  const main = committed.find((c) => c.output === 'main')!.summary;
  return {
    path: main.path,
    documents: counts.kept,
    bytes: main.bytes,
    uncompressedBytes: main.uncompressedBytes,
    auditFiles: committed.filter((c) => c.output !== 'main').map((c) => c.summary.path),
    dropped: counts.dropped,
    failed: counts.failed,
    seconds: (performance.now() - started) / 1000,
  };
}

const AUDIT_NAMES: Record<Exclude<Output, 'main'>, string> = { dropped: 'dropped', removed: 'removed-lines' };

type ResolvedRequest = ExportRequest & { compression: Compression };

function outputPath(request: ResolvedRequest, output: Output): string {
  return output === 'main' ? request.out : auditPath(request.out, AUDIT_NAMES[output], request.compression);
}

/** The stored programs of an audited document, with what the audits say about them. */
function auditPrograms(store: Store, row: Row): StagePrograms {
  const facts = (stage: 'doc' | 'chunk' | 'ultrax', label: string | null) => {
    const record = store.programs.of.get(row.seq, stage);
    return record ? { program: record.program, notes: record.notes, programmer: label, keepProbability: record.keep_probability } : undefined;
  };
  if (row.ultrax_program !== null) return { ultrax: facts('ultrax', row.ultrax_label) };
  return { doc: facts('doc', row.doc_label), chunk: facts('chunk', row.chunk_label) };
}

/** Longest stretch of export work between two turns of the event loop when an AbortSignal is given. */
const YIELD_EVERY_MS = 20;

async function exportPass(store: Store, settings: ExecutionSettings, request: ResolvedRequest, outputs: Output[], options: ExportOptions) {
  const started = performance.now();
  const total = store.documents.count.get() ?? 0;
  const anyOpToggles = (store.toggles.countDisabledOps.get() ?? 0) > 0;
  const disabledKinds = [...settings.disabledKinds].sort();
  const readPage = pageReader(store);
  const writers = new Map<Output, JsonlWriter>();
  try {
    for (const output of outputs) {
      writers.set(output, await openJsonlWriter(outputPath(request, output), { compression: request.compression }));
    }
    const main = writers.get('main');
    const dropped = writers.get('dropped');
    const removed = writers.get('removed');

    let done = 0;
    let kept = 0;
    let droppedCount = 0;
    let failedCount = 0;
    let textBytes = 0;
    let lastEmit = 0;
    let lastYield = performance.now();
    const encoder = new MainLineEncoder(disabledKinds);
    options.signal?.throwIfAborted();
    for (const page of corpusPages(readPage, PAGE)) {
      const toggles = anyOpToggles ? disabledOpsOfPage(store, page.map((r) => r.seq)) : null;
      for (const row of page) {
        done += 1;
        if (request.shard && !inShard(shardKey(row.path, row.ord), request.shard)) continue;
        const failed = failuresOf(row);
        if (failed !== null) {
          failedCount += 1;
          if (request.failed === 'hold') continue;
        }
        const disabled = toggles?.get(row.seq) ?? NO_DISABLED_OPS;
        const programs = runnablePrograms(row);
        const execution = hasRunnableProgram(programs) ? executeStored(row.text, programs, disabled, settings) : null;
        if (execution?.dropped) {
          droppedCount += 1;
          if (dropped) {
            const why = explainDrop(execution, auditPrograms(store, row));
            await dropped.write({
              id: row.id,
              source: row.path,
              locator: row.locator,
              stage: why.stage,
              reason: why.reason,
              operation: why.operation,
              programmer: why.programmer,
              ...(why.keepProbability !== null ? { keepProbability: why.keepProbability } : {}),
              output: why.output,
              programs,
              text: row.text,
            });
          }
          continue;
        }
        const text = execution ? execution.text : row.text;
        textBytes += text.length;
        kept += 1;
        if (main) {
          // The writer returns a promise only when its pipeline is full: awaiting a plain
          // value would still cost a microtask per document.
          const wait = main.writeJsonLine(encoder.head(row), text, encoder.tail(row, programs, execution, disabled, failed));
          if (wait) await wait;
        }
        if (removed && execution && linesRemoved(execution) > 0) {
          await removed.write({ id: row.id, source: row.path, locator: row.locator, lines: explainRemovedLines(execution, row.text, auditPrograms(store, row)) });
        }
      }
      const now = performance.now();
      if (options.onProgress && now - lastEmit >= (options.progressIntervalMs ?? 250)) {
        lastEmit = now;
        const rate = done / ((now - started) / 1000);
        options.onProgress({ done, total, bytes: textBytes, etaSeconds: rate > 0 ? (total - done) / rate : null });
      }
      // A signal (Ctrl-C) is only seen when the event loop turns, which the writer's pipeline
      // does not promise: let it turn every few tens of milliseconds.
      if (options.signal && now - lastYield >= YIELD_EVERY_MS) {
        lastYield = now;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      options.signal?.throwIfAborted();
    }
    const summaries: { output: Output; summary: ExportSummary }[] = [];
    for (const [output, writer] of writers) summaries.push({ output, summary: await writer.commit() });
    options.onProgress?.({ done, total, bytes: textBytes, etaSeconds: 0 });
    return { summaries, counts: { kept, dropped: droppedCount, failed: failedCount } };
  } catch (err) {
    await Promise.all([...writers.values()].map((w) => w.abort(err instanceof Error ? err.message : String(err)).catch(() => undefined)));
    throw err;
  }
}

/**
 * Reads pages of export rows (store.documents.exportPage) after a (source_id, ord) cursor. The
 * query runs in raw mode and the rows become objects here: better-sqlite3 builds row objects
 * through the V8 API, which costs more than a JavaScript literal (measured: a quarter of the
 * reading time).
 */
function pageReader(store: Store): (sourceId: number, ord: number, limit: number) => Row[] {
  const query = store.db.prepare<[number, number, number], unknown[]>(store.documents.exportPage.source).raw(true);
  const at = new Map(query.columns().map((column, i) => [column.name, i]));
  const index = (name: keyof Row): number => {
    const i = at.get(name);
    if (i === undefined) throw new Error(`export: the page query has no column ${name}`);
    return i;
  };
  const c = {
    seq: index('seq'),
    id: index('id'),
    sourceId: index('source_id'),
    ord: index('ord'),
    locator: index('locator'),
    text: index('text'),
    path: index('path'),
    extra: index('extra'),
    externalId: index('external_id'),
    docProgram: index('doc_program'),
    docFailure: index('doc_failure'),
    docLabel: index('doc_label'),
    chunkProgram: index('chunk_program'),
    chunkFailure: index('chunk_failure'),
    chunkLabel: index('chunk_label'),
    ultraxProgram: index('ultrax_program'),
    ultraxFailure: index('ultrax_failure'),
    ultraxLabel: index('ultrax_label'),
  };
  return (sourceId, ord, limit) =>
    query.all(sourceId, ord, limit).map(
      (r): Row => ({
        seq: r[c.seq] as number,
        id: r[c.id] as string,
        source_id: r[c.sourceId] as number,
        ord: r[c.ord] as number,
        locator: r[c.locator] as number | null,
        text: r[c.text] as string,
        path: r[c.path] as string,
        extra: r[c.extra] as string | null,
        external_id: r[c.externalId] as string | null,
        doc_program: r[c.docProgram] as string | null,
        doc_failure: r[c.docFailure] as string | null,
        doc_label: r[c.docLabel] as string | null,
        chunk_program: r[c.chunkProgram] as string | null,
        chunk_failure: r[c.chunkFailure] as string | null,
        chunk_label: r[c.chunkLabel] as string | null,
        ultrax_program: r[c.ultraxProgram] as string | null,
        ultrax_failure: r[c.ultraxFailure] as string | null,
        ultrax_label: r[c.ultraxLabel] as string | null,
      }),
    );
}

/** Every key MainLineEncoder.tail writes inside `metadata`: an input field with one of these names moves to metadata.input. */
export const PROVENANCE_KEYS: ReadonlySet<string> = new Set(['source', 'locator', 'programmer', 'programs', 'operations', 'toggles', 'failed']);

/**
 * The stages whose programmer failed on this document, with what it said (metadata.failed in
 * the export), or null. A failed document is never passed off as refined: its text is what
 * its other programs make of it, and the flag says which program is missing and why.
 */
function failuresOf(row: Row): Record<string, string> | null {
  if (row.doc_failure === null && row.chunk_failure === null && row.ultrax_failure === null) return null;
  const failed: Record<string, string> = {};
  if (row.doc_failure !== null) failed.doc = row.doc_failure;
  if (row.chunk_failure !== null) failed.chunk = row.chunk_failure;
  if (row.ultrax_failure !== null) failed.ultrax = row.ultrax_failure;
  return failed;
}

/**
 * Encodes main-file lines: exactly JSON.stringify({ id, text, ...input fields, metadata }),
 * but built from parts. The text, most of every line, is left to the writer, which escapes it
 * straight into its output (writeJsonLine); the metadata parts that consecutive documents
 * share (source, labels, programs, toggles) are encoded once. The input record's other fields
 * keep their keys (export/input-fields.ts).
 */
class MainLineEncoder {
  private readonly noToggles: string;
  private readonly disabledKinds: readonly string[];
  private readonly source = lastOf((path: string) => JSON.stringify(path));
  private readonly programmer = lastOfPair((doc: string | null, chunk: string | null) => JSON.stringify({ doc, chunk }));
  private readonly programs = lastOfPair((doc: string | null, chunk: string | null) => JSON.stringify({ doc, chunk }));
  private readonly ultrax = lastOfPair((program: string, label: string | null) => `"programmer":${JSON.stringify({ ultrax: label })},"programs":${JSON.stringify({ ultrax: program })}`);

  constructor(disabledKinds: readonly string[]) {
    this.disabledKinds = disabledKinds;
    this.noToggles = JSON.stringify({ disabledKinds, disabledOperations: NO_DISABLED_OPS });
  }

  /** The line up to the opening quote of its text. */
  head(row: Row): string {
    return `{"id":${jsonString(row.id)},"text":"`;
  }

  /** The line from the closing quote of its text. */
  tail(row: Row, programs: RunnablePrograms, execution: DocumentExecution | null, disabled: DisabledOps, failed: Record<string, string> | null): string {
    const toggles = disabled === NO_DISABLED_OPS ? this.noToggles : JSON.stringify({ disabledKinds: this.disabledKinds, disabledOperations: disabled });
    // An input id another document already had: the document got a new one, and the input's stays in metadata.input.id.
    const input = inputFieldParts(row.extra, PROVENANCE_KEYS, row.external_id !== null && row.external_id !== '' && row.external_id !== row.id ? row.external_id : null);
    // UltraX-refined documents name their one program; ProX ones keep the doc/chunk shape.
    const provenance =
      programs.ultrax != null
        ? this.ultrax(programs.ultrax, row.ultrax_label)
        : `"programmer":${this.programmer(row.doc_label, row.chunk_label)},"programs":${this.programs(programs.doc, programs.chunk)}`;
    return (
      `"${input.topLevel},"metadata":{${input.metadata}"source":${this.source(row.path)},"locator":${JSON.stringify(row.locator)},${provenance},` +
      `"operations":${execution ? JSON.stringify(appliedCounts(execution)) : '{}'},"toggles":${toggles}${failed === null ? '' : `,"failed":${JSON.stringify(failed)}`}}}`
    );
  }
}

/** Remembers the last result: consecutive documents mostly share the value. */
function lastOf<A, R>(encode: (a: A) => R): (a: A) => R {
  let has = false;
  let key: A | undefined;
  let value: R | undefined;
  return (a) => {
    if (!has || a !== key) {
      value = encode(a);
      key = a;
      has = true;
    }
    return value!;
  };
}

function lastOfPair<A, B, R>(encode: (a: A, b: B) => R): (a: A, b: B) => R {
  let has = false;
  let keyA: A | undefined;
  let keyB: B | undefined;
  let value: R | undefined;
  return (a, b) => {
    if (!has || a !== keyA || b !== keyB) {
      value = encode(a, b);
      keyA = a;
      keyB = b;
      has = true;
    }
    return value!;
  };
}

