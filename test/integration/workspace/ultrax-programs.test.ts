/**
 * UltraX programs in a workspace, written by hand (no model needed): a document holds the
 * programs of one dialect at a time; review shows each call with what it did (lines removed,
 * text replaced, lines added); a call switched off, or a kind switched off everywhere, is left
 * out of review, export and the statistics alike; export names the one UltraX program and its
 * audits say which call removed which line, numbered as UltraX numbers them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { disposedAfterEach } from './helpers';

const opened = disposedAfterEach();

const NEWS = ['Home | News | Sport', 'The bridge reopened on Monday after repairs.', 'Traffic is back to normal.', 'Share this story'].join('\n');
/** Windows line endings: UltraX numbers the lines of the text with them normalized. */
const CRLF = ['Menu', 'Prices rose in March.', 'Subscribe now'].join('\r\n');

const PROGRAM = ["remove_lines(1, 1)", "replace_str(2, 'Monday', 'Tuesday')", "add_line(2, 1, 'Updated at noon.')", 'remove_lines(4, 4)'].join('\n');

function jsonl(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('UltraX programs in a workspace', () => {
  it('are reviewed, toggled, exported, audited and counted; a program of the other dialect replaces them', async () => {
    const home = opened.home('refinery-ultrax-programs-');
    writeFileSync(join(home.folder, 'docs.jsonl'), [{ id: 'news', text: NEWS }, { id: 'crlf', text: CRLF }, { id: 'gone', text: 'Cookie banner\nAccept all' }].map((d) => JSON.stringify(d)).join('\n') + '\n');
    const ws = opened.open(home);
    await ws.index();
    ws.saveProgram('news', 'doc', 'keep_doc()');

    // Review: one UltraX operation per call, with its effect; the ProX program went.
    const detail = ws.saveProgram('news', 'ultrax', PROGRAM);
    expect(detail.doc).toBeNull();
    expect(detail.ultrax).toMatchObject({ stage: 'ultrax', text: PROGRAM, programmer: 'edited by hand' });
    const ops = detail.execution.operations;
    expect(ops.map((op) => [op.stage, op.line, op.kind, op.linesRemoved, op.replacements, op.linesAdded])).toEqual([
      ['ultrax', 0, 'remove_lines', 1, 0, 0],
      ['ultrax', 1, 'replace_str', 0, 1, 0],
      ['ultrax', 2, 'add_line', 0, 0, 1],
      ['ultrax', 3, 'remove_lines', 1, 0, 0],
    ]);
    expect(detail.execution.refined).toBe('The bridge reopened on Tuesday after repairs.\nUpdated at noon.\nTraffic is back to normal.');
    expect(detail.execution.removedBy).toEqual([0, null, null, 3]);
    // The changed span is what differs: "Mon" became "Tues" ("day" stays).
    const monday = NEWS.indexOf('Monday');
    expect(detail.execution.replacements).toEqual([{ op: 1, start: monday, end: monday + 'Mon'.length, to: 'Tues' }]);
    expect(detail.execution.added).toEqual([{ after: 1, text: 'Updated at noon.', op: 2 }]);
    expect(detail.row.status).toBe('modified');

    // A call switched off is left out; so is a kind switched off everywhere.
    const off = ws.setOperation('news', 'ultrax', 1, false);
    expect(off.refined).toBe('The bridge reopened on Monday after repairs.\nUpdated at noon.\nTraffic is back to normal.');
    expect(off.operations[1]).toMatchObject({ enabled: false });
    await ws.setKind('add_line', false);
    await ws.statusesSettled();
    expect(ws.getDoc('news').execution.refined).toBe('The bridge reopened on Monday after repairs.\nTraffic is back to normal.');

    // UltraX numbers the lines of the text with its line endings normalized; review shows that text.
    const crlf = ws.saveProgram('crlf', 'ultrax', "remove_lines(3, 3)\nreplace_str(2, 'March', 'April')");
    expect(crlf.execution.original).toBe('Menu\nPrices rose in March.\nSubscribe now');
    expect(crlf.execution.refined).toBe('Menu\nPrices rose in April.');
    ws.saveProgram('gone', 'ultrax', 'remove_all()');
    expect(ws.getDoc('gone').execution).toMatchObject({ dropped: true, dropReason: 'UltraX program: remove_all()' });

    const out = join(home.home, 'clean.jsonl');
    await ws.export({ out, compression: 'none', auditDropped: true, auditRemovedLines: true });
    const records = jsonl(out);
    expect(records.map((r) => r.id)).toEqual(['news', 'crlf']);
    expect(records[0]).toMatchObject({
      text: 'The bridge reopened on Monday after repairs.\nTraffic is back to normal.',
      metadata: {
        programmer: { ultrax: 'edited by hand' },
        programs: { ultrax: PROGRAM },
        operations: { remove_lines: 2, lines_removed: 2, replacements: 0 },
        toggles: { disabledKinds: ['add_line'], disabledOperations: { doc: [], chunk: [], ultrax: [1] } },
      },
    });
    expect(records[1]!.metadata).toMatchObject({ operations: { remove_lines: 1, replace_str: 1, lines_removed: 1, replacements: 1 }, toggles: { disabledOperations: { doc: [], chunk: [] } } });
    expect(jsonl(join(home.home, 'clean.dropped.jsonl'))).toMatchObject([{ id: 'gone', stage: 'ultrax', operation: 'remove_all()', programmer: 'edited by hand', programs: { ultrax: 'remove_all()' } }]);
    expect(jsonl(join(home.home, 'clean.removed-lines.jsonl'))).toMatchObject([
      { id: 'news', lines: [{ line: 0, text: 'Home | News | Sport', by: 0, operation: 'remove_lines(1, 1)' }, { line: 3, text: 'Share this story', by: 3, operation: 'remove_lines(4, 4)' }] },
      { id: 'crlf', lines: [{ line: 2, text: 'Subscribe now', by: 0, operation: 'remove_lines(3, 3)' }] },
    ]);

    const stats = ws.stats();
    expect(stats.refined).toEqual({ doc: 0, chunk: 0, ultrax: 3 });
    expect(stats.documents).toEqual({ before: 3, after: 2 });
    expect(stats.operations).toEqual({ remove_lines: 3, replace_str: 1, remove_all: 1, lines_removed: 3, replacements: 1 });

    // A ProX program replaces the UltraX one, and its toggles.
    const prox = ws.saveProgram('news', 'chunk', 'remove_lines(line_start=0, line_end=0)');
    expect(prox.ultrax).toBeNull();
    expect(prox.execution.operations.map((op) => op.stage)).toEqual(['chunk']);
    expect(prox.execution.refined).toBe(NEWS.split('\n').slice(1).join('\n'));
  });
});
