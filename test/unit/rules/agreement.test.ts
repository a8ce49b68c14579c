/**
 * Agreement with the reference implementations: test/fixtures/rules/expected.jsonl and
 * devset-expected.jsonl were produced by running datatrove's own filter code
 * (test/fixtures/rules/reference_filters.py) on the same documents. Prints agreement per rule
 * group and per reference outcome; differences come from word/sentence tokenization
 * (NLTK in the reference run, a spaCy-like approximation here, see main/rules/tokenize.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLabelledSet } from '../../../bench/support/devset';
import { scoreRules } from '../../../main/rules/agreement';
import { parseRuleSpec } from '../../../main/rules/config';
import { DEVSET_DIR as devsetDir, DEVSET_DOCS, FIXTURES_DIR } from '../../support/fixtures';
import { compareC4Lines, compareDecisions, GROUPS, type ReferenceResult } from './reference-agreement';

const fixtureDir = join(FIXTURES_DIR, 'rules');

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

function report(name: string, texts: Map<string, string>, expected: ReferenceResult[]): { decisions: ReturnType<typeof compareDecisions>; lines: ReturnType<typeof compareC4Lines> } {
  const decisions = compareDecisions(texts, expected);
  const lines = compareC4Lines(texts, expected);
  const rows = GROUPS.map((group) => {
    const a = decisions[group];
    const perRule = [...a.byRule].map(([rule, [agreed, total]]) => `${rule} ${agreed}/${total}`).join(', ');
    return `  ${group.padEnd(16)} ${a.agreed}/${a.compared} (${((100 * a.agreed) / Math.max(1, a.compared)).toFixed(1)} %)  ${perRule}`;
  });
  console.log(
    [`agreement with datatrove on ${name}:`, ...rows, `  c4 kept lines    ${lines.agreed}/${lines.lines} lines, ${lines.docsExact}/${lines.docs} documents exact`, ...[...Object.values(decisions)].flatMap((a) => a.disagreements.map((d) => `    differs: ${d}`))].join('\n'),
  );
  return { decisions, lines };
}

describe('agreement with the reference filters', () => {
  it('the hand-built fixture: same keep/drop per group (allowing tokenizer differences) and the same C4 kept lines', () => {
    const texts = new Map(readJsonl<{ id: string; text: string }>(join(fixtureDir, 'documents.jsonl')).map((d) => [d.id, d.text]));
    const expected = readJsonl<ReferenceResult>(join(fixtureDir, 'expected.jsonl'));
    expect(expected.length).toBe(texts.size);
    const { decisions, lines } = report('test/fixtures/rules', texts, expected);
    for (const group of GROUPS) {
      expect(decisions[group].compared).toBeGreaterThan(50);
      expect(decisions[group].agreed / decisions[group].compared, group).toBeGreaterThanOrEqual(0.9);
    }
    expect(decisions.c4.agreed).toBe(decisions.c4.compared);
    expect(decisions.c4_terminal_off.agreed).toBe(decisions.c4_terminal_off.compared);
    expect(lines.agreed).toBe(lines.lines);
  });

  it('the devset (real pages): same decisions and C4 kept lines', () => {
    const texts = new Map(readJsonl<{ id: string; text: string }>(DEVSET_DOCS).map((d) => [d.id, d.text]));
    const expected = readJsonl<ReferenceResult>(join(fixtureDir, 'devset-expected.jsonl'));
    const { decisions, lines } = report('the devset', texts, expected);
    for (const group of GROUPS) expect(decisions[group].agreed / decisions[group].compared, group).toBeGreaterThanOrEqual(0.9);
    expect(lines.agreed / lines.lines).toBeGreaterThanOrEqual(0.99);
  });

  it('devset gold labels: per preset, doc macro-F1 and line P/R/F1 (printed); web, the default, beats every other preset on both', () => {
    const labelled = readLabelledSet(devsetDir);
    const rows: string[] = [];
    const results = new Map<string, ReturnType<typeof scoreRules>>();
    for (const spec of ['c4', 'gopher', 'fineweb', 'prox-lines', 'fineweb+prox-lines', 'c4+prox-lines', 'all', 'web']) {
      const r = scoreRules(labelled, parseRuleSpec(spec));
      results.set(spec, r);
      rows.push(
        `  ${spec.padEnd(20)} doc macro-F1 ${r.doc.macroF1.toFixed(3)} | line P ${r.line.precision.toFixed(3)} R ${r.line.recall.toFixed(3)} F1 ${r.line.f1.toFixed(3)} (kept: ${r.doc.keptAndGoldKeep} gold-keep, ${r.doc.keptButGoldDrop} gold-drop; dropped: ${r.doc.droppedButGoldKeep} gold-keep, ${r.doc.droppedAndGoldDrop} gold-drop)`,
      );
    }
    console.log(['devset (69 pages, lines scored on the 44 gold-keep pages):', ...rows].join('\n'));
    const prox = results.get('prox-lines');
    expect(prox?.line.precision).toBeGreaterThanOrEqual(0.95);
    expect(prox?.line.recall).toBeGreaterThanOrEqual(0.5);
    expect(results.get('fineweb+prox-lines')?.line.f1).toBeGreaterThan(results.get('fineweb')?.line.f1 ?? 1);
    const web = results.get('web');
    if (web === undefined) throw new Error('web was not scored');
    expect(web.line.precision).toBeGreaterThanOrEqual(0.93);
    expect(web.line.f1).toBeGreaterThanOrEqual(0.89);
    expect(web.doc.macroF1).toBeGreaterThanOrEqual(0.68);
    for (const [spec, r] of results) {
      if (spec === 'web') continue;
      expect(web.doc.macroF1, spec).toBeGreaterThan(r.doc.macroF1 + 0.05);
      expect(web.line.f1, spec).toBeGreaterThan(r.line.f1 + 0.02);
    }
  });
});
