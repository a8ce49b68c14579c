/**
 * Programs edited by hand: the rules' reasons and the user's switched-off operations follow
 * their program lines through an inserted line (in the live preview and once saved), syntax
 * errors come back with their text and place, and a revert restores the programmer's programs
 * with their switches.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecutionViewSchema, type OperationView } from '../../../contract/api';
import { disposedAfterEach } from './helpers';

const opened = disposedAfterEach();

/** A page whose first lines are navigation and whose last is a footer, so the line rules remove them. */
const lines = [
  'Home',
  'About',
  'Contact',
  ...Array.from({ length: 14 }, (_, i) => `This is sentence number ${i} of the article, and it has enough plain words to stay in the text.`),
  'Copyright 2024 All rights reserved.',
];

const reasons = (ops: readonly OperationView[]): Record<string, string | null> => Object.fromEntries(ops.filter((o) => o.stage === 'chunk').map((o) => [o.source, o.reason]));

describe('hand edits', () => {
  it('keep reasons and switches on their operations, show syntax errors, and revert to the programmer’s output', { timeout: 60_000 }, async () => {
    const home = opened.home('refinery-edits-');
    writeFileSync(join(home.folder, 'docs.jsonl'), JSON.stringify({ id: 'page', text: lines.join('\n') }) + '\n');
    const ws = opened.open(home);
    await ws.index();
    expect((await ws.refine({ spec: { type: 'rules', preset: 'prox-lines' }, stages: 'both' })).state).toBe('done');

    const before = ws.getDoc('page');
    const chunkText = before.chunk?.text ?? '';
    const chunkOps = before.execution.operations.filter((o) => o.stage === 'chunk' && o.kind === 'remove_lines');
    expect(chunkOps.length, `the rules removed lines:\n${chunkText}`).toBeGreaterThan(0);
    for (const op of chunkOps) expect(op.reason, op.source).toBeTruthy();
    const byRule = reasons(before.execution.operations);
    expect(before.revertTo).toBeNull();

    // Switch the first removal off, then insert a line at the top of the chunk program.
    const first = chunkOps[0]!;
    ws.setOperation('page', 'chunk', first.line, false);
    const inserted = `remove_lines(line_start=5, line_end=5)\n${chunkText}`;
    const preview = ExecutionViewSchema.parse(ws.preview('page', before.doc?.text ?? null, inserted));
    const previewed = reasons(preview.operations);
    for (const [source, reason] of Object.entries(byRule)) expect(previewed[source], source).toBe(reason);
    expect(previewed['remove_lines(line_start=5, line_end=5)']).toBeNull();
    const moved = preview.operations.find((o) => o.stage === 'chunk' && o.source === first.source)!;
    expect(moved.line).toBe(first.line + 1);
    expect(moved.enabled).toBe(false);
    expect(preview.operations.find((o) => o.stage === 'chunk' && o.line === 0)!.enabled).toBe(true);

    // Saved, the same holds.
    const saved = ws.saveProgram('page', 'chunk', inserted);
    expect(saved.chunk?.programmer).toBe('edited by hand');
    expect(reasons(saved.execution.operations)).toEqual(previewed);
    expect(saved.execution.operations.find((o) => o.stage === 'chunk' && o.source === first.source)!.enabled).toBe(false);
    expect(saved.revertTo).toEqual({ programmer: before.chunk?.programmer });

    // A syntax error: its text and place travel with the execution, on a line that is no operation.
    const broken = ExecutionViewSchema.parse(ws.preview('page', before.doc?.text ?? null, `${inserted}\nremove_lines(line_start=1, line_end=`));
    const brokenLine = inserted.split('\n').length;
    expect(broken.errors.length).toBeGreaterThan(0);
    expect(broken.errors[0]).toMatchObject({ stage: 'chunk', line: brokenLine, counted: true });
    expect(broken.errors[0]!.message.length).toBeGreaterThan(5);
    expect(broken.operations.some((o) => o.line === brokenLine)).toBe(false);

    // A second save replaces the edit; the programmer's original is kept once, and revert brings it back.
    ws.saveProgram('page', 'doc', 'drop_doc()');
    expect(ws.getDoc('page').row.status).toBe('dropped');
    const reverted = ws.revertProgram('page');
    expect(reverted.revertTo).toBeNull();
    expect(reverted.chunk?.text).toBe(chunkText);
    expect(reverted.doc?.text).toBe(before.doc?.text);
    expect(reverted.chunk?.programmer).toBe(before.chunk?.programmer);
    expect(reasons(reverted.execution.operations)).toEqual(byRule);
    // The switch made before the edit is back on its operation.
    expect(reverted.execution.operations.find((o) => o.stage === 'chunk' && o.line === first.line)!.enabled).toBe(false);
    expect(reverted.row.status).toBe(ws.getDoc('page').row.status);
    expect(reverted.row.status).not.toBe('dropped');
    expect(() => ws.revertProgram('page')).toThrow(/nothing to revert/);
  });

  it('a document refined by no programmer reverts to not refined', async () => {
    const home = opened.home('refinery-edits-');
    writeFileSync(join(home.folder, 'docs.jsonl'), JSON.stringify({ id: 'a', text: lines.join('\n') }) + '\n');
    const ws = opened.open(home);
    await ws.index();
    const saved = ws.saveProgram('a', 'doc', 'drop_doc()');
    expect(saved.revertTo).toEqual({ programmer: null });
    const reverted = ws.revertProgram('a');
    expect(reverted.doc).toBeNull();
    expect(reverted.row.status).toBe('pending');
  });
});
