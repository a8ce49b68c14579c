/**
 * Export keeps what the user decided and what the input had: the audit files say why, in the
 * words the review screen shows (the rule's reason, the operation, the programmer), the input
 * record's other fields come back under their own keys, the compression is the one the file
 * name says, and a workspace indexed before fields were kept gets them on its next index
 * without losing its programs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { devsetDocs, disposedAfterEach } from './helpers';

const opened = disposedAfterEach();

const readJsonl = <T>(path: string): T[] =>
  (path.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8'))
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);

interface DevsetRecord {
  id: string;
  text: string;
  source: string;
  domain: string;
}

/** The devset with datatrove-style metadata added to every record. */
function writeCorpus(folder: string): DevsetRecord[] {
  const records = readJsonl<DevsetRecord>(devsetDocs);
  const lines = records.map((r, i) => JSON.stringify({ ...r, url: `https://example.org/page/${i}`, metadata: { dump: 'CC-MAIN-2024-10', language_score: 0.5 + i / 1000, source: `crawl-${i}` } }));
  writeFileSync(join(folder, 'pages.jsonl'), `${lines.join('\n')}\n`);
  return records;
}

interface Exported {
  id: string;
  text: string;
  source: string;
  domain: string;
  url: string;
  metadata: Record<string, unknown> & { input?: Record<string, unknown> };
}
interface DroppedRow {
  id: string;
  stage: string;
  reason: string;
  operation: string | null;
  programmer: string;
}
interface RemovedRow {
  id: string;
  lines: { line: number; text: string; by: number; operation: string; reason: string | null; programmer: string }[];
}

describe('export fidelity', () => {
  it('audits carry the rules’ reasons, the main file the input’s own fields, and the name decides the compression', { timeout: 120_000 }, async () => {
    const home = opened.home('refinery-fidelity-');
    const records = writeCorpus(home.folder);
    const ws = opened.open(home);
    await ws.index();
    const job = await ws.refine({ spec: { type: 'rules', preset: 'fineweb+prox-lines' }, stages: 'both' });
    expect(job.state).toBe('done');

    const out = join(home.home, 'clean.jsonl.gz');
    const result = await ws.export({ out, auditDropped: true, auditRemovedLines: true });
    // gzip because of the name; the audits follow it.
    expect(readFileSync(out).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(result.auditFiles).toEqual([join(home.home, 'clean.dropped.jsonl.gz'), join(home.home, 'clean.removed-lines.jsonl.gz')]);

    // Dropped documents: the reason the review screen shows for the dropping operation.
    const dropped = readJsonl<DroppedRow>(result.auditFiles[0]!);
    expect(dropped.length).toBe(result.dropped);
    expect(dropped.length).toBeGreaterThan(0);
    for (const row of dropped) {
      const view = ws.getDoc(row.id);
      expect(row.programmer).toBe(view.doc?.programmer);
      if (row.operation === 'drop_doc()') {
        const op = view.execution.operations.find((o) => o.stage === 'doc' && o.kind === 'drop_doc')!;
        expect(row.reason).toBe(op.reason);
        expect(row.reason).toMatch(/^(c4|gopher|gopher_rep|fineweb): /);
      } else {
        expect(row.reason).toBe(`${view.execution.dropReason} after the chunk program`);
      }
    }
    expect(dropped.some((r) => r.reason !== 'doc program: drop_doc()' && r.operation === 'drop_doc()')).toBe(true);

    // Removed lines: each with its operation, that operation's reason and the programmer.
    const removed = readJsonl<RemovedRow>(result.auditFiles[1]!);
    expect(removed.length).toBeGreaterThan(0);
    for (const row of removed.slice(0, 10)) {
      const view = ws.getDoc(row.id);
      const original = view.execution.original.split('\n');
      for (const line of row.lines) {
        const op = view.execution.operations.find((o) => o.stage === 'chunk' && o.line === line.by)!;
        expect(line).toEqual({ line: line.line, text: original[line.line], by: op.line, operation: op.source, reason: op.reason, programmer: view.chunk?.programmer });
        expect(view.execution.removedBy[line.line]).toBe(line.by);
      }
    }
    expect(removed.flatMap((r) => r.lines).every((l) => typeof l.reason === 'string' && l.reason.length > 0)).toBe(true);

    // The input's own fields, under its own keys; its metadata.source moved aside, not lost.
    const exported = readJsonl<Exported>(out);
    expect(exported.length).toBe(result.documents);
    const byId = new Map(records.map((r, i) => [r.id, { record: r, i }]));
    for (const doc of exported) {
      const { record, i } = byId.get(doc.id)!;
      expect(doc.source).toBe(record.source);
      expect(doc.domain).toBe(record.domain);
      expect(doc.url).toBe(`https://example.org/page/${i}`);
      expect(doc.metadata).toMatchObject({ dump: 'CC-MAIN-2024-10', language_score: 0.5 + i / 1000, input: { source: `crawl-${i}` }, source: 'pages.jsonl', locator: i + 1 });
      expect(doc.metadata).toHaveProperty('programs');
      expect(Object.keys(doc)).toEqual(['id', 'text', 'source', 'domain', 'url', 'metadata']);
    }

    // A compression the name contradicts is refused, and nothing is written.
    await expect(ws.export({ out: join(home.home, 'other.jsonl.gz'), compression: 'none', auditDropped: false, auditRemovedLines: false })).rejects.toThrow(
      /other\.jsonl\.gz is named for gzip, but no compression was asked for/,
    );
    await expect(ws.export({ out: join(home.home, 'other.jsonl'), compression: 'zstd', auditDropped: false, auditRemovedLines: false })).rejects.toThrow(/Name the file …\.jsonl\.zst/);
  });

  it('a workspace indexed before other fields were kept gets them on the next index, programs and switches kept', { timeout: 120_000 }, async () => {
    const home = opened.home('refinery-fidelity-');
    writeCorpus(home.folder);
    const ws = opened.open(home);
    await ws.index();
    await ws.refine({ spec: { type: 'rules', preset: 'fineweb+prox-lines' }, stages: 'both' });
    const modified = ws.listDocs({ filter: 'modified', search: '', sort: 'order', descending: false, offset: 0, limit: 1 }).rows[0]!;
    const op = ws.getDoc(modified.id).execution.operations.find((o) => o.stage === 'chunk' && o.kind === 'remove_lines')!;
    ws.setOperation(modified.id, 'chunk', op.line, false);

    // What a database from before migration 3 looks like once migrated: no fields, files not read for them.
    const db = new Database(ws.dbPath);
    db.exec('UPDATE documents SET extra = NULL; UPDATE sources SET fields_read = 0;');
    const programs = db.prepare('SELECT count(*) FROM programs').pluck().get();
    db.close();

    const again = await ws.index();
    expect(again.filesRead).toBe(0);
    expect(again.filesUnchanged).toBe(1);
    const check = new Database(ws.dbPath, { readonly: true });
    expect(check.prepare('SELECT count(*) FROM documents WHERE extra IS NULL').pluck().get()).toBe(0);
    expect(check.prepare('SELECT count(*) FROM programs').pluck().get()).toBe(programs);
    expect(check.prepare('SELECT min(fields_read) FROM sources').pluck().get()).toBe(1);
    check.close();
    expect(ws.getDoc(modified.id).execution.operations.find((o) => o.line === op.line && o.stage === 'chunk')?.enabled).toBe(false);
  });
});
