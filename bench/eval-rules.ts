/**
 * `npm run eval:rules [-- --devset <folder>] [--folds 5] [--seeds 5]`: how well each rule
 * preset agrees with human labels on a labelled page set (by default the development set in
 * test/fixtures/devset), scored as the held-out evaluation is:
 * - doc macro-F1: the mean of the F1 of "keep" and of "drop" over every page;
 * - line P / R / F1: removed lines against the gold noisy lines, micro-averaged over the pages
 *   labelled keep.
 * Then the `web` preset is cross-validated: its tunable thresholds are chosen on k-1 folds by
 * the grid below and scored on the held-out fold (repeated over several fold seeds), which
 * estimates how the thresholds do on pages that were not used to choose them. The other
 * presets choose nothing from data (datatrove's thresholds), so their cross-validated figures
 * are their figures on the set.
 * Against rules written to fit these pages: each `web` rule is switched off in turn (what it
 * adds), and which of its line rules to run is cross-validated like a threshold (the 64 on/off
 * sets chosen on the training folds); a rule that only helps on the pages it was written for
 * is switched off on held-out folds.
 * Each preset's speed on these pages (MB of text per CPU-second, one thread) is printed beside
 * its scores: real raw pages have many more short lines than bench:rules' generated ones.
 * The last line is one JSON object with every figure.
 */
import { availableParallelism, loadavg } from 'node:os';
import { scorePredictions, scoreRules, type AgreementReport } from '../main/rules/agreement';
import { DEFAULT_RULE_PRESET, parseRuleSpec, RULE_KEYS, type RuleKey } from '../main/rules/config';
import { evaluateRules } from '../main/rules/write-programs';
import { crossValidate, type GridPoint } from './support/cross-validate';
import { DEFAULT_DEVSET_DIR, hasDevset, readLabelledSet } from './support/devset';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] !== undefined ? (process.argv[at + 1] as string) : fallback;
}

const dir = option('--devset', DEFAULT_DEVSET_DIR);
const folds = Number(option('--folds', '5'));
const seedCount = Number(option('--seeds', '5'));
if (!hasDevset(dir)) {
  console.error(`eval:rules: no labelled set at ${dir} (docs.jsonl + gold.jsonl). Pass --devset <folder>.`);
  process.exit(2);
}
if (!Number.isInteger(folds) || folds < 2 || !Number.isInteger(seedCount) || seedCount < 1) {
  console.error('eval:rules: --folds must be an integer >= 2 and --seeds an integer >= 1');
  process.exit(2);
}

/**
 * The thresholds cross-validation may choose among, the defaults first (they win ties): the
 * running-text words a page needs after cleaning, the shortest run of link-like lines that is a
 * menu, the most words a link-like line has, and what a short line costs when finding the text.
 */
const MIN_PROSE_WORDS = [400, 100, 150, 200, 250, 300];
const MENU_RUN = [3, 2, 4, 5];
const LINK_WORDS = [4, 3, 5, 6];
const EDGE_COST = [10, 5, 20];
const GRID: GridPoint[] = MIN_PROSE_WORDS.flatMap((words) =>
  MENU_RUN.flatMap((run) =>
    LINK_WORDS.flatMap((linkWords) => EDGE_COST.map((cost) => `web,web.min_prose_words=${words},web.menus=${run},web.max_link_words=${linkWords},web.page_edges=${cost}`)),
  ),
);

const documents = readLabelledSet(dir);
const keep = documents.filter((d) => d.keep).length;
const keptLines = documents.filter((d) => d.keep).reduce((sum, d) => sum + d.text.split('\n').length, 0);
const noisy = documents.reduce((sum, d) => sum + d.noisyLines.length, 0);
console.log(`${dir}: ${documents.length} pages (${keep} keep, ${documents.length - keep} drop); ${keptLines} lines in kept pages, ${noisy} of them noisy`);

const fmt = (x: number): string => x.toFixed(3);
function row(name: string, r: AgreementReport): string {
  const d = r.doc;
  return `${name.padEnd(22)} ${fmt(d.macroF1)}   ${fmt(r.line.f1)} (${fmt(r.line.precision)} / ${fmt(r.line.recall)})   kept ${String(d.keptAndGoldKeep + d.keptButGoldDrop).padStart(3)}: ${String(d.keptButGoldDrop).padStart(2)} gold-drop; dropped ${String(d.droppedButGoldKeep + d.droppedAndGoldDrop).padStart(3)}: ${String(d.droppedButGoldKeep).padStart(2)} gold-keep`;
}

/** datatrove's GopherQualityFilter alone, without the repetition filter the gopher preset runs first. */
const GOPHER_QUALITY = ['gopher', ...RULE_KEYS.filter((key) => key.startsWith('gopher_rep.')).map((key) => `-${key}`)].join(',');
const presets: { name: string; spec: string }[] = [
  ...['c4', 'gopher'].map((name) => ({ name, spec: name })),
  { name: 'gopher quality only', spec: GOPHER_QUALITY },
  ...['fineweb', 'all', 'prox-lines', 'fineweb+prox-lines', 'web'].map((name) => ({ name, spec: name })),
];
const results: Record<string, { docMacroF1: number; lineF1: number; lineP: number; lineR: number; mbPerCpuSecond: number }> = {};
const loadAtStart = loadavg()[0] as number;
const setBytes = documents.reduce((sum, d) => sum + Buffer.byteLength(d.text), 0);
console.log(`\npreset                 doc F1  line F1 (P / R)   (nothing here is chosen on the set: cross-validated = these figures)`);
const keepAll = scorePredictions(
  documents,
  documents.map(() => ({ kept: true, removedLines: [] })),
);
console.log(row('keep everything', keepAll));
for (const { name: preset, spec } of presets) {
  const config = parseRuleSpec(spec);
  const r = scoreRules(documents, config);
  // Speed on these real pages too: CPU time of repeated passes (at least a second) after the first.
  const start = process.cpuUsage();
  let passes = 0;
  let seconds = 0;
  do {
    for (const d of documents) evaluateRules(d.text, config);
    passes++;
    const used = process.cpuUsage(start);
    seconds = (used.user + used.system) / 1e6;
  } while (seconds < 1);
  const mbPerCpuSecond = (setBytes * passes) / 1e6 / seconds;
  results[preset] = { docMacroF1: r.doc.macroF1, lineF1: r.line.f1, lineP: r.line.precision, lineR: r.line.recall, mbPerCpuSecond };
  console.log(`${row(preset === DEFAULT_RULE_PRESET ? `${preset} (default)` : preset, r)}   ${mbPerCpuSecond.toFixed(1)} MB/s`);
}

const seeds = Array.from({ length: seedCount }, (_, i) => 1000 + i);
const cv = crossValidate(documents, GRID, folds, seeds);
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const spread = (values: number[]): string => `${fmt(mean(values))} (${fmt(Math.min(...values))}-${fmt(Math.max(...values))})`;
const docF1 = cv.perSeed.map((r) => r.doc.macroF1);
const lineF1 = cv.perSeed.map((r) => r.line.f1);
const lineP = cv.perSeed.map((r) => r.line.precision);
const lineR = cv.perSeed.map((r) => r.line.recall);
console.log(`\nweb, ${folds}-fold cross-validated over ${seeds.length} fold seeds (${GRID.length} grid points; thresholds chosen on the training folds):`);
console.log(`  doc macro-F1 ${spread(docF1)}`);
console.log(`  line F1 ${spread(lineF1)}  P ${spread(lineP)}  R ${spread(lineR)}`);
const choices = [...cv.chosen].sort((a, b) => b[1] - a[1]);
console.log(`  chosen (of ${folds * seeds.length} folds): ${choices.map(([point, n]) => `${point.replace(/^web,/, '')} x${n}`).join('; ')}`);

const defaults = parseRuleSpec('web').rules;
const selected = parseRuleSpec(cv.selectedOnAll).rules;
const tuned = ['web.min_prose_words', 'web.menus', 'web.max_link_words', 'web.page_edges'] as const;
const differs = tuned.filter((key) => defaults[key] !== selected[key]);
console.log(`  selected on the whole set: ${cv.selectedOnAll.replace(/^web,/, '')} (${differs.length === 0 ? 'the shipped defaults' : `differs from the shipped defaults in ${differs.join(', ')}`})`);


// What each web rule adds: the set's figures with it switched off.
const WEB_RULES = RULE_KEYS.filter((key) => key.startsWith('web.') && key !== 'web.max_link_words');
const webReport = scoreRules(documents, parseRuleSpec('web'));
console.log(`\nweb with one rule off (change against web):`);
const ablation: Record<string, { docMacroF1: number; lineF1: number; lineP: number; lineR: number }> = {};
for (const key of WEB_RULES) {
  const r = scoreRules(documents, parseRuleSpec(`web,-${key}`));
  ablation[key] = { docMacroF1: r.doc.macroF1, lineF1: r.line.f1, lineP: r.line.precision, lineR: r.line.recall };
  const delta = (x: number, y: number): string => `${x - y >= 0 ? '+' : ''}${(x - y).toFixed(3)}`;
  console.log(
    `  -${key.padEnd(20)} doc F1 ${fmt(r.doc.macroF1)} (${delta(r.doc.macroF1, webReport.doc.macroF1)})   line F1 ${fmt(r.line.f1)} (${delta(r.line.f1, webReport.line.f1)})  P ${fmt(r.line.precision)} (${delta(r.line.precision, webReport.line.precision)})  R ${fmt(r.line.recall)} (${delta(r.line.recall, webReport.line.recall)})`,
  );
}

// Which line rules run, chosen on the training folds like a threshold: all on comes first and wins ties.
const LINE_RULES = WEB_RULES.filter((key) => key !== 'web.min_prose_words');
const SWITCH_GRID: GridPoint[] = Array.from({ length: 1 << LINE_RULES.length }, (_, mask) =>
  ['web', ...LINE_RULES.filter((_, bit) => (mask >> bit) & 1).map((key) => `-${key}`)].join(','),
);
const switchCv = crossValidate(documents, SWITCH_GRID, folds, seeds);
const offCounts = new Map<RuleKey, number>(LINE_RULES.map((key) => [key, 0]));
for (const [point, n] of switchCv.chosen) for (const key of LINE_RULES) if (point.includes(`-${key}`)) offCounts.set(key, (offCounts.get(key) ?? 0) + n);
const switchDoc = switchCv.perSeed.map((r) => r.doc.macroF1);
const switchLine = switchCv.perSeed.map((r) => r.line.f1);
console.log(`\nweb line rules switched on or off by ${folds}-fold cross-validation (${SWITCH_GRID.length} sets, ${seeds.length} fold seeds):`);
console.log(`  doc macro-F1 ${spread(switchDoc)}  line F1 ${spread(switchLine)}  P ${spread(switchCv.perSeed.map((r) => r.line.precision))}  R ${spread(switchCv.perSeed.map((r) => r.line.recall))}`);
console.log(`  switched off on the training folds (of ${folds * seeds.length}): ${LINE_RULES.map((key) => `${key} ${offCounts.get(key) ?? 0}`).join(', ')}`);
console.log(`  selected on the whole set: ${switchCv.selectedOnAll}`);

const load = [loadAtStart, loadavg()[0] as number];
console.log(`\nload average ${load.map((l) => l.toFixed(1)).join(' -> ')} on ${availableParallelism()} cores (the MB/s figures above are CPU time, depressed on a loaded machine)`);
console.log(
  JSON.stringify({
    eval: 'rules',
    set: dir,
    pages: documents.length,
    presets: results,
    cv: {
      preset: 'web',
      folds,
      seeds: seeds.length,
      gridPoints: GRID.length,
      docMacroF1: mean(docF1),
      lineF1: mean(lineF1),
      lineP: mean(lineP),
      lineR: mean(lineR),
      chosen: Object.fromEntries(choices),
      selectedOnAll: cv.selectedOnAll,
      defaultsAreSelected: differs.length === 0,
    },
    ablation,
    switchCv: {
      docMacroF1: mean(switchDoc),
      lineF1: mean(switchLine),
      lineP: mean(switchCv.perSeed.map((r) => r.line.precision)),
      lineR: mean(switchCv.perSeed.map((r) => r.line.recall)),
      switchedOff: Object.fromEntries(offCounts),
      selectedOnAll: switchCv.selectedOnAll,
    },
    loadAverage: load.map((l) => Number(l.toFixed(2))),
  }),
);
