import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executeProgram } from '../../../main/prox/executor';
import { parseProgram } from '../../../main/prox/parse';
import { parseRuleSpec } from '../../../main/rules/config';
import { createRuleProgrammer } from '../../../main/rules/rule-programmer';
import { normalizeCall, pythonString } from '../../../main/rules/program-text';
import { evaluateRules, writeRulePrograms } from '../../../main/rules/write-programs';

const ARTICLE = [
  'Rivers of the north',
  'Home',
  'About',
  'The northern rivers freeze in winter and thaw in spring.[1]',
  'Fishing is allowed from May to September in most places.',
  'Local guides say the best season starts in late June.',
  'Many visitors come for the long evenings and quiet lakes.',
  'Read more at http://example.org/rivers for maps and notes on every trail in the region.',
  'Share',
  '© 2024 Example Media. All rights reserved.',
].join('\n');

describe('rule programs', () => {
  it('doc stage: keep_doc() or drop_doc() with the reason as the note', () => {
    const kept = writeRulePrograms(ARTICLE, parseRuleSpec('c4,c4.min_sentences=7'));
    expect(kept.doc).toEqual({ program: 'keep_doc()', notes: [] });
    const dropped = writeRulePrograms(ARTICLE, parseRuleSpec('c4,c4.min_sentences=8'));
    expect(dropped.doc).toEqual({ program: 'drop_doc()', notes: [{ line: 0, reason: 'c4: sentences in kept lines 7 < 8', rules: [{ rule: 'c4.min_sentences' }] }] });
  });

  it('chunk stage: keep_chunk() when there is nothing to do', () => {
    const clean = Array.from({ length: 6 }, (_, i) => `This is a clean sentence number ${i} here.`).join('\n');
    expect(writeRulePrograms(clean, parseRuleSpec('c4')).chunk).toEqual({ program: 'keep_chunk()', notes: [] });
  });

  it('every program parses in strict and reference mode without errors, and executing it removes exactly the rule lines', () => {
    for (const spec of ['c4', 'fineweb', 'prox-lines', 'fineweb+prox-lines', 'all']) {
      const config = parseRuleSpec(spec);
      const programs = writeRulePrograms(ARTICLE, config);
      for (const mode of ['strict', 'reference'] as const) {
        expect(parseProgram(programs.chunk.program, mode).errors, `${spec} ${mode}`).toEqual([]);
        expect(parseProgram(programs.doc.program, mode).errors).toEqual([]);
      }
      const verdict = evaluateRules(ARTICLE, config);
      const removed = new Set(verdict.removals.map((r) => r.line));
      const execution = executeProgram({ text: ARTICLE, chunkProgram: programs.chunk.program, mode: 'reference' });
      const expected = ARTICLE.split('\n').filter((_, i) => !removed.has(i));
      let text = expected.join('\n');
      for (const n of verdict.normalizations) text = text.split(n.source).join(n.target);
      expect(execution.text, spec).toBe(text);
    }
  });

  it('prox-lines and c4 reasons are attached to the program lines they explain', () => {
    const { chunk } = writeRulePrograms(ARTICLE, parseRuleSpec('c4+prox-lines'));
    const lines = chunk.program.split('\n');
    expect(chunk.notes.length).toBe(lines.length);
    for (const note of chunk.notes) expect(lines[note.line]).toBeDefined();
    expect(lines).toContain('normalize(source_str="[1]", target_str="")');
    expect(lines).toContain('normalize(source_str="http://example.org/rivers", target_str="")');
  });

  it('normalize strings are Python string literals the strict parser reads back exactly', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }), (source) => {
        const parsed = parseProgram(normalizeCall(source, ''), 'strict');
        expect(parsed.errors).toEqual([]);
        const op = parsed.operations[0];
        expect(op?.kind === 'normalize' ? op.from : undefined).toBe(source);
      }),
    );
    expect(pythonString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });

  it('the programmer implements the interface: id, stages, per-document results in order', async () => {
    const programmer = createRuleProgrammer('fineweb+prox-lines');
    expect(programmer.info.kind).toBe('rules');
    expect(programmer.info.id).toBe('rules:fineweb+prox-lines@2');
    expect(createRuleProgrammer('fineweb').info.id).toBe('rules:fineweb@2');
    expect(programmer.stages).toEqual(['doc', 'chunk']);
    const docs = [
      { id: 'a', text: ARTICLE },
      { id: 'b', text: 'tiny' },
    ];
    const doc = await programmer.writePrograms('doc', docs);
    expect(doc.map((r) => [r.id, r.stage, r.program])).toEqual([
      ['a', 'doc', writeRulePrograms(ARTICLE, parseRuleSpec('fineweb+prox-lines')).doc.program],
      ['b', 'doc', 'drop_doc()'],
    ]);
    const chunk = await programmer.writePrograms('chunk', docs);
    expect(chunk[0]?.program).toBe(writeRulePrograms(ARTICLE, parseRuleSpec('fineweb+prox-lines')).chunk.program);
    await programmer.dispose();
  });

  it('a bad spec fails when the programmer is created, naming the valid presets', () => {
    expect(() => createRuleProgrammer('gopherr')).toThrow(/valid presets/);
  });
});
