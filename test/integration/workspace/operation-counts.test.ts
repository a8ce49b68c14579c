/**
 * The operations a document's program applied, counted the same by export (per document, in
 * its metadata) and by the statistics (over the corpus), held to literal values on documents
 * whose programs are written by hand: applied operations by kind (a normalize that replaced
 * nothing and a remove_lines whose lines an earlier one took still count; a chunk program
 * cancelled by its errors counts nothing), lines removed and occurrences replaced.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../../main/workspace/service';
import { disposedAfterEach, type TempHome } from './helpers';

const opened = disposedAfterEach();

/** Twelve lines of eight words; line 3 and line 7 say "foo" once each. */
const TEXT = Array.from({ length: 12 }, (_, l) => `line ${l} has a few plain words ${l === 3 || l === 7 ? 'foo' : 'and'} here`).join('\n');

const PROGRAMS: Record<string, { doc?: string; chunk?: string }> = {
  // Two lines removed, "foo" replaced twice, a normalize that finds nothing.
  edited: { doc: 'keep_doc()', chunk: 'remove_lines(line_start=0, line_end=1)\nnormalize(source_str="foo", target_str="bar")\nnormalize(source_str="absent", target_str="x")' },
  // A chunk program the doc stage never lets run.
  dropped: { doc: 'drop_doc()', chunk: 'remove_lines(line_start=0, line_end=5)' },
  untouched: {},
  // Two ranges past the last line: two errors cancel the chunk program.
  cancelled: { doc: 'keep_doc()', chunk: 'remove_lines(line_start=100, line_end=101)\nremove_lines(line_start=200, line_end=201)' },
  // The second range removes nothing the first did not: lines 0-3 go, once.
  overlapping: { doc: 'keep_doc()', chunk: 'remove_lines(line_start=0, line_end=3)\nremove_lines(line_start=2, line_end=3)' },
  chunkOnly: { chunk: 'keep_chunk()' },
};

async function workspaceWithPrograms(): Promise<{ home: TempHome; workspace: Workspace }> {
  const home = opened.home('refinery-counts-');
  writeFileSync(join(home.folder, 'docs.jsonl'), Object.keys(PROGRAMS).map((id) => JSON.stringify({ id, text: TEXT })).join('\n') + '\n');
  const ws = opened.open(home);
  await ws.index();
  for (const [id, programs] of Object.entries(PROGRAMS)) {
    if (programs.doc !== undefined) ws.saveProgram(id, 'doc', programs.doc);
    if (programs.chunk !== undefined) ws.saveProgram(id, 'chunk', programs.chunk);
  }
  return { home, workspace: ws };
}

async function exportedOperations({ home, workspace }: { home: TempHome; workspace: Workspace }, name: string): Promise<Record<string, unknown>> {
  const out = join(home.home, `${name}.jsonl`);
  await workspace.export({ out, compression: 'none', auditDropped: false, auditRemovedLines: false });
  const records = readFileSync(out, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as { id: string; metadata: { operations: unknown } });
  return Object.fromEntries(records.map((r) => [r.id, r.metadata.operations]));
}

describe('operation counts', () => {
  it('are the same literal numbers in the export metadata and the statistics', async () => {
    const setup = await workspaceWithPrograms();
    const { workspace } = setup;
    expect(await exportedOperations(setup, 'all-on')).toEqual({
      edited: { keep_doc: 1, remove_lines: 1, normalize: 2, lines_removed: 2, replacements: 2 },
      untouched: {},
      cancelled: { keep_doc: 1 },
      overlapping: { keep_doc: 1, remove_lines: 2, lines_removed: 4, replacements: 0 },
      chunkOnly: { keep_chunk: 1, lines_removed: 0, replacements: 0 },
    });
    const stats = workspace.stats();
    expect(stats.operations).toEqual({ keep_doc: 3, drop_doc: 1, keep_chunk: 1, remove_lines: 3, normalize: 2, lines_removed: 6, replacements: 2 });
    expect(stats.documents).toEqual({ before: 6, after: 5 });
    expect(stats.refined).toEqual({ doc: 4, chunk: 5, ultrax: 0 });
    expect(stats.words.before).toBe(6 * 12 * 9);
    expect(stats.words.after).toBe(5 * 12 * 9 - 2 * 9 - 4 * 9);
  });

  it('leave out what is switched off, per operation and per kind', async () => {
    const setup = await workspaceWithPrograms();
    const { workspace } = setup;
    workspace.setOperation('edited', 'chunk', 1, false);
    workspace.setOperation('overlapping', 'chunk', 0, false);
    expect(await exportedOperations(setup, 'ops-off')).toMatchObject({
      edited: { keep_doc: 1, remove_lines: 1, normalize: 1, lines_removed: 2, replacements: 0 },
      overlapping: { keep_doc: 1, remove_lines: 1, lines_removed: 2, replacements: 0 },
    });
    await workspace.setKind('keep_doc', false);
    await workspace.setKind('drop_doc', false);
    const operations = await exportedOperations(setup, 'kinds-off');
    expect(operations.dropped).toEqual({ remove_lines: 1, lines_removed: 6, replacements: 0 });
    expect(operations.cancelled).toEqual({});
    expect(workspace.stats().operations).toEqual({ keep_chunk: 1, remove_lines: 3, normalize: 1, lines_removed: 10, replacements: 0 });
  });

  it("show in the document view which lines each remove_lines names, as written, for the UI's toggle preview", async () => {
    const { workspace } = await workspaceWithPrograms();
    workspace.saveProgram('untouched', 'chunk', 'remove_lines(all=True)\nremove_lines(line_start=5, line_end=3)');
    const lines = (id: string) => workspace.getDoc(id).execution.operations.map((op) => [op.stage, op.kind, op.lines]);
    expect(lines('edited')).toEqual([
      ['doc', 'keep_doc', null],
      ['chunk', 'remove_lines', { start: 0, end: 1 }],
      ['chunk', 'normalize', null],
      ['chunk', 'normalize', null],
    ]);
    expect(lines('cancelled').slice(1)).toEqual([
      ['chunk', 'remove_lines', { start: 100, end: 101 }],
      ['chunk', 'remove_lines', { start: 200, end: 201 }],
    ]);
    expect(lines('untouched')).toEqual([
      ['chunk', 'remove_lines', 'all'],
      ['chunk', 'remove_lines', { start: 5, end: 3 }],
    ]);
  });
});
