/**
 * Export's JSONL must be byte-identical to the plain encoding of each record: one
 * JSON.stringify of { id, text, metadata } per kept document, in corpus order. The exporter
 * builds its lines from pre-encoded parts for speed; this test holds it to that reference on a
 * corpus chosen to break a hand-made encoder: every control character, quotes, backslashes,
 * CRLF, tabs, U+2028, emoji and lone surrogates, ids and paths that need escaping, documents
 * larger than a write batch, more documents than a page, several sources, programs that drop,
 * normalize and remove lines, failed programs, run labels, hand edits and both kinds of toggles,
 * and input records with other fields (kept under their own keys, escaping included).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { explainDrop, explainRemovedLines } from '../../../main/execution/explain';
import { appliedCounts } from '../../../main/execution/stored-program';
import { executeProgram } from '../../../main/prox/executor';
import type { Stage } from '../../../main/prox/program';
import type { ExportRow } from '../../../main/store';
import { Workspace } from '../../../main/workspace/service';
import { disposedAfterEach } from './helpers';

const opened = disposedAfterEach();

const CONTROL = Array.from({ length: 32 }, (_, c) => String.fromCharCode(c)).join('');

/** Deterministic texts: mostly plain prose with newlines, some with every kind of character JSON must escape. */
function textOf(n: number): string {
  const lines = Array.from({ length: 3 + (n % 7) }, (_, l) => `line ${l} of document ${n} has several plain words in it for the word rules`);
  switch (n % 13) {
    case 1:
      lines[1] = `she said "hello" and C:\\path\\to\\file \\n is not a newline`;
      break;
    case 2:
      return lines.join('\r\n');
    case 3:
      lines[2] = `tabs\there\tand a form feed\f and bell\u0007 and nul\u0000 inside`;
      break;
    case 4:
      lines[0] = `unicode: caf\u00e9 \u4e2d\u6587 emoji \ud83d\ude00 separators \u2028 \u2029 del \u007f`;
      break;
    case 5:
      lines[1] = `lone surrogates \ud800 and \udfff and reversed \udc00\ud800 end`;
      break;
    case 6:
      lines[1] = `all control characters: ${CONTROL}`;
      break;
    case 7:
      lines[0] = `foo foo bar foo`;
      break;
  }
  return lines.join('\n');
}

/** Programs per document number; null = no program for that stage. */
function programsOf(n: number): { doc: string | null; chunk: string | null; failure?: Stage; run?: boolean } {
  switch (n % 9) {
    case 0:
      return { doc: 'keep_doc()', chunk: 'remove_lines(line_start=0, line_end=0)' };
    case 1:
      return { doc: 'drop_doc()', chunk: null };
    case 2:
      return { doc: 'keep_doc()', chunk: 'normalize(source_str="foo", target_str="b\\"a\\\\r")\nremove_lines(line_start=1, line_end=1)', run: true };
    case 3:
      return { doc: null, chunk: 'remove_lines(line_start=0, line_end=100)', failure: 'chunk' };
    case 4:
      return { doc: 'keep_doc()', chunk: 'remove_lines(line_start=50, line_end=60)\nremove_lines(line_start=70, line_end=80)' };
    case 5:
      return { doc: 'keep_doc()', chunk: 'keep_chunk()', run: true };
    case 6:
      return { doc: null, chunk: null };
    case 7:
      return { doc: 'keep_doc()', chunk: 'remove_lines(line_start=0, line_end=1)\nnormalize(source_str="line", target_str="\u00e9\ud83d\ude00")' };
    default:
      return { doc: 'keep_doc()', chunk: 'remove_lines(line_start=0, line_end=7)' };
  }
}

function writeCorpus(folder: string): void {
  const a: string[] = [];
  for (let n = 0; n < 1100; n++) a.push(JSON.stringify({ id: n % 50 === 5 ? `quote"back\\slash\u2028${n}` : `a-${n}`, text: textOf(n), ...otherFieldsOf(n) }));
  // Larger than one write batch (1 MiB), with text that needs escaping throughout.
  a.splice(600, 0, JSON.stringify({ id: 'huge', text: Array.from({ length: 40_000 }, (_, l) => `big line ${l} "quoted" \\ tab\there`).join('\n') }));
  writeFileSync(join(folder, 'a "first".jsonl'), `${a.join('\n')}\n`);
  const b: string[] = [];
  for (let n = 1100; n < 1300; n++) b.push(JSON.stringify({ id: `b-${n}`, text: textOf(n) }));
  writeFileSync(join(folder, 'b.jsonl'), `${b.join('\n')}\n`);
}

/** Fields besides text and id on some records, which export keeps under their own keys. */
function otherFieldsOf(n: number): Record<string, unknown> {
  if (n % 3 !== 0) return {};
  if (n % 2 === 0) return { url: `https://example.org/${n}?q="a"&b=\\`, score: n / 7 };
  return { metadata: { lang: n % 5 === 0 ? 'en' : 'de', 'key "quoted"\u2028': [n, null, { deep: true }] }, dump: null };
}

/** Programs written straight into the database (a connection of the test's own), as a refine run would leave them. */
function storePrograms(workspace: Workspace): void {
  const db = new Database(workspace.dbPath);
  db.prepare(
    `INSERT INTO runs (id, stage, programmer_key, programmer_id, kind, label, parameters, created_at) VALUES (1, 'doc', 'k', 'rules', 'rules', 'Rules "v1" \\ doc', '{}', ''), (2, 'chunk', 'k', 'rules', 'rules', 'Rules chunk', '{}', '')`,
  ).run();
  const insert = db.prepare(
    `INSERT INTO programs (doc_seq, stage, run_id, programmer_key, program, notes, failure, prompt_tokens, generated_tokens, edited, created_at) VALUES (?, ?, ?, 'k', ?, '[]', ?, 0, 0, ?, '')`,
  );
  const docs = db.prepare('SELECT seq, id FROM documents ORDER BY seq').all() as { seq: number; id: string }[];
  db.transaction(() => {
    for (const { seq, id } of docs) {
      const n = id === 'huge' ? 0 : Number(/(\d+)$/.exec(id)![1]);
      const p = programsOf(n);
      for (const stage of ['doc', 'chunk'] as const) {
        if (p[stage] === null) continue;
        const runId = p.run ? (stage === 'doc' ? 1 : 2) : null;
        insert.run(seq, stage, runId, p[stage], p.failure === stage ? 'the model timed out' : null, runId === null && n % 2 === 0 ? 1 : 0);
      }
    }
  })();
  db.close();
}

/**
 * The reference: what one JSON.stringify of each record gives, from the same rows and executor.
 * (The operation counts themselves are held to literal values in operation-counts.test.ts.)
 */
function expectedExport(workspace: Workspace): { main: string; dropped: string; removed: string } {
  const db = new Database(workspace.dbPath, { readonly: true });
  try {
    return expectedExportOf(db, workspace);
  } finally {
    db.close();
  }
}

function expectedExportOf(db: Database.Database, workspace: Workspace): { main: string; dropped: string; removed: string } {
  const settings = workspace.settings();
  const disabledKinds = [...settings.disabledKinds].sort();
  const main: string[] = [];
  const dropped: string[] = [];
  const removed: string[] = [];
  const rows = db
    .prepare(
      `SELECT d.seq, d.id, d.locator, d.text, s.path, d.extra,
         pd.program AS doc_program, pd.failure AS doc_failure, coalesce(rd.label, CASE WHEN pd.edited = 1 THEN 'edited by hand' END) AS doc_label,
         pd.notes AS doc_notes, pd.keep_probability AS doc_p,
         pc.program AS chunk_program, pc.failure AS chunk_failure, coalesce(rc.label, CASE WHEN pc.edited = 1 THEN 'edited by hand' END) AS chunk_label,
         pc.notes AS chunk_notes, pc.keep_probability AS chunk_p
       FROM documents d JOIN sources s ON s.id = d.source_id
       LEFT JOIN programs pd ON pd.doc_seq = d.seq AND pd.stage = 'doc' LEFT JOIN runs rd ON rd.id = pd.run_id
       LEFT JOIN programs pc ON pc.doc_seq = d.seq AND pc.stage = 'chunk' LEFT JOIN runs rc ON rc.id = pc.run_id
       ORDER BY d.source_id, d.ord`,
    )
    .all() as (Omit<ExportRow, 'source_id' | 'ord'> & { doc_notes: string | null; doc_p: number | null; chunk_notes: string | null; chunk_p: number | null })[];
  const toggles = db.prepare('SELECT stage, line FROM op_toggles WHERE doc_seq = ? ORDER BY line');
  for (const row of rows) {
    const disabled: Record<Stage, number[]> = { doc: [], chunk: [] };
    for (const t of toggles.all(row.seq) as { stage: Stage; line: number }[]) disabled[t.stage].push(t.line);
    const programs = { doc: row.doc_failure === null ? row.doc_program : null, chunk: row.chunk_failure === null ? row.chunk_program : null };
    const execution =
      programs.doc === null && programs.chunk === null
        ? null
        : executeProgram({
            text: row.text,
            docProgram: programs.doc,
            chunkProgram: programs.chunk,
            mode: settings.mode,
            disabled: { doc: new Set(disabled.doc), chunk: new Set(disabled.chunk) },
            disabledKinds: settings.disabledKinds,
          });
    const facts = {
      doc: row.doc_program === null ? undefined : { program: row.doc_program, notes: row.doc_notes, programmer: row.doc_label, keepProbability: row.doc_p },
      chunk: row.chunk_program === null ? undefined : { program: row.chunk_program, notes: row.chunk_notes, programmer: row.chunk_label, keepProbability: row.chunk_p },
    };
    if (execution?.dropped) {
      const why = explainDrop(execution, facts);
      dropped.push(
        JSON.stringify({
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
        }),
      );
      continue;
    }
    // The test's extra fields never use a key Refinery writes (collisions: test/unit/export/input-fields.test.ts).
    const { metadata: inputMetadata, ...topLevel } = JSON.parse(row.extra ?? '{}') as { metadata?: Record<string, unknown> };
    main.push(
      JSON.stringify({
        id: row.id,
        text: execution ? execution.text : row.text,
        ...topLevel,
        metadata: {
          ...inputMetadata,
          source: row.path,
          locator: row.locator,
          programmer: { doc: row.doc_label, chunk: row.chunk_label },
          programs,
          operations: execution ? appliedCounts(execution) : {},
          toggles: { disabledKinds, disabledOperations: disabled },
          // A document whose programmer failed says so (issue 16.2): never passed off as refined.
          ...(row.doc_failure !== null || row.chunk_failure !== null ? { failed: { ...(row.doc_failure !== null ? { doc: row.doc_failure } : {}), ...(row.chunk_failure !== null ? { chunk: row.chunk_failure } : {}) } } : {}),
        },
      }),
    );
    if (execution && execution.removedBy.some((by) => by !== null)) {
      removed.push(JSON.stringify({ id: row.id, source: row.path, locator: row.locator, lines: explainRemovedLines(execution, row.text, facts) }));
    }
  }
  const file = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
  return { main: file(main), dropped: file(dropped), removed: file(removed) };
}

/** '' when equal; else where they first differ, briefly (the files are megabytes long). */
function firstDifference(actual: string, expected: string): string {
  if (actual === expected) return '';
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const line = expected.slice(0, i).split('\n').length;
  return `line ${line}, character ${i}: got ${JSON.stringify(actual.slice(Math.max(0, i - 40), i + 40))}, expected ${JSON.stringify(expected.slice(Math.max(0, i - 40), i + 40))}`;
}

describe('export encoding', () => {
  it('writes exactly what JSON.stringify of each record gives, with and without toggles', { timeout: 60_000 }, async () => {
    const home = opened.home('refinery-export-');
    writeCorpus(home.folder);
    const ws = opened.open(home);
    const indexed = await ws.index();
    expect(indexed.documentsRead).toBe(1301);
    storePrograms(ws);

    const check = async (name: string) => {
      const out = join(home.home, `${name}.jsonl`);
      const result = await ws.export({ out, compression: 'none', auditDropped: true, auditRemovedLines: true });
      const expected = expectedExport(ws);
      const actual = readFileSync(out, 'utf8');
      const expectedLines = expected.main.split('\n');
      expect(firstDifference(actual, expected.main), `${name}: main file`).toBe('');
      expect(firstDifference(readFileSync(result.auditFiles[0]!, 'utf8'), expected.dropped), `${name}: dropped audit`).toBe('');
      expect(firstDifference(readFileSync(result.auditFiles[1]!, 'utf8'), expected.removed), `${name}: removed-lines audit`).toBe('');
      expect(result.documents).toBe(expectedLines.length - 1);
      expect(expected.removed.length).toBeGreaterThan(0);
      return { result, expected };
    };

    const plain = await check('plain');
    expect(plain.result.dropped).toBeGreaterThan(100);
    expect(plain.result.documents).toBeGreaterThan(1000);

    // Per-document toggles on a few documents (doc and chunk lines), and a kind switched off.
    const switchedOff: [string, (stage: string, line: number) => boolean][] = [
      ['a-2', (_, line) => line % 2 === 0],
      ['a-7', (stage) => stage === 'doc'],
      ['a-9', (stage) => stage === 'chunk'],
      ['a-18', (stage) => stage === 'chunk'],
      ['a-1000', () => true],
      ['b-1106', (stage, line) => stage === 'chunk' && line === 1],
    ];
    for (const [id, off] of switchedOff) {
      for (const op of ws.getDoc(id).execution.operations) if (off(op.stage, op.line)) ws.setOperation(id, op.stage, op.line, false);
    }
    await ws.setKind('normalize', false);
    const toggled = await check('toggled');
    expect(toggled.expected.main).toContain('"disabledKinds":["normalize"]');
    expect(toggled.expected.main).toMatch(/"disabledOperations":\{"doc":\[0\],"chunk":\[\]\}/);
    expect(toggled.expected.main).toMatch(/"disabledOperations":\{"doc":\[\],"chunk":\[0\]\}/);
  });
});
