import { describe, expect, it } from 'vitest';
import type { RuleStats } from '../../../contract/api';
import { executeProgram } from '../../../main/prox/executor';
import type { OperationNote, Stage } from '../../../main/prox/program';
import { parseRuleSpec } from '../../../main/rules/config';
import { writeRulePrograms } from '../../../main/rules/write-programs';
import { tallyRules } from '../../../main/workspace/rule-tally';

const P = 'The northern lakes freeze early in the year, and the ice stays until April in most places.';

function tallyOf(texts: readonly string[], spec: string, disabledChunk: ReadonlySet<number> = new Set()): Record<string, RuleStats> {
  const tally: Record<string, RuleStats> = {};
  for (const text of texts) {
    const { doc, chunk } = writeRulePrograms(text, parseRuleSpec(spec));
    const execution = executeProgram({ text, docProgram: doc.program, chunkProgram: chunk.program, disabled: { chunk: disabledChunk } });
    const applied = execution.operations.filter((op) => op.enabled && (op.kind === 'drop_doc' ? execution.stage === 'doc' : op.linesRemoved > 0));
    const notes: Record<Stage, Map<number, OperationNote>> = { doc: new Map(doc.notes.map((n) => [n.line, n])), chunk: new Map(chunk.notes.map((n) => [n.line, n])) };
    tallyRules(tally, applied, notes, execution.removedBy);
  }
  return tally;
}

describe('what each rule took', () => {
  const page = ['Title', 'Home', 'News', 'Sport', 'Weather', P, 'Share', P, '© 2024 Example. All rights reserved.'].join('\n');

  it('counts the lines each rule removed, even inside one merged remove_lines, and the pages it changed or dropped', () => {
    // Lines 1-4: "Home" is a button (web.widgets), News/Sport/Weather a menu; 6 a button; 8 boilerplate.
    const tally = tallyOf([page, page, 'Title\nHome\nNews\nSport'], 'web,web.min_prose_words=20');
    expect(tally['web.widgets']).toEqual({ pages: 2, dropped: 0, lines: 4, description: expect.stringContaining('button') });
    expect(tally['web.menus']).toMatchObject({ pages: 2, dropped: 0, lines: 6 });
    expect(tally['web.boilerplate']).toMatchObject({ pages: 2, dropped: 0, lines: 2 });
    expect(tally['web.min_prose_words']).toMatchObject({ pages: 1, dropped: 1, lines: 0 });
  });

  it('an operation switched off takes nothing', () => {
    const { chunk } = writeRulePrograms(page, parseRuleSpec('web,web.min_prose_words=20'));
    const first = chunk.program.split('\n').findIndex((call) => call.startsWith('remove_lines(start=1,'));
    expect(first).toBe(0);
    const tally = tallyOf([page], 'web,web.min_prose_words=20', new Set([0]));
    expect(tally['web.menus']).toBeUndefined();
    expect(tally['web.widgets']).toMatchObject({ pages: 1, lines: 1 });
  });

  it('a note without rules (written before notes named them) counts under its reason, runs apportioned', () => {
    const tally: Record<string, RuleStats> = {};
    const text = 'a\nb\nc\nd\ne';
    const execution = executeProgram({ text, docProgram: null, chunkProgram: 'remove_lines(start=1, end=3)' });
    const notes = { doc: new Map<number, OperationNote>(), chunk: new Map<number, OperationNote>([[0, { line: 0, reason: 'lines 1-2: c4: words 1 < 3; line 3: prox: URL or widget label only' }]]) };
    tallyRules(tally, execution.operations, notes, execution.removedBy);
    expect(tally).toEqual({
      'c4: words < 3': { pages: 1, dropped: 0, lines: 2, description: null },
      'prox: URL or widget label only': { pages: 1, dropped: 0, lines: 1, description: null },
    });
  });
});
