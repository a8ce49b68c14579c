/**
 * `npm run bench:rules [-- --quick]`: throughput of the rule programmer (documents/s, MB/s)
 * per preset over a generated web-like corpus, on one core, next to a floor measured in the
 * same run on the same corpus: a bare whitespace split (`text.split(/\s+/)`), the least any
 * word-based rule must do. Times are CPU time of this process (process.cpuUsage), so other
 * load on the machine disturbs them less than wall time would. Target: the default preset
 * (`web`, what `--programmer rules` and the app use) >= 20 MB/s; `all` is measured beside it.
 * Real raw pages have many more short lines than the generated ones, and the `web` rules look
 * at short lines most, so when the labelled development set is there (test/fixtures/devset,
 * or `--devset <folder>`) every preset is measured on its pages too, against the same floor.
 * The last line is one JSON object with every figure.
 */
import { availableParallelism, loadavg } from 'node:os';
import { DEFAULT_RULE_PRESET, parseRuleSpec } from '../main/rules/config';
import { splitIntoWords } from '../main/rules/tokenize';
import { writeRulePrograms } from '../main/rules/write-programs';
import { seededRandom as random } from '../test/support/seeded-random';
import { DEFAULT_DEVSET_DIR, hasDevset, readLabelledSet } from './support/devset';

const quick = process.argv.includes('--quick');
const TARGET_MBPS = 20;

const VOCABULARY = (
  'the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her ' +
  'she there one all we their has been would when who will more no if out so said what up its about into than them can only ' +
  'other new some could time these two may then do first any my now such like our over man me even most made after also did ' +
  'many before must through back years where much your way well down should because each just those people how too little ' +
  'state good very make world still own see men work long get here between both life being under never day same another know ' +
  'river council research study results water energy students program market system data history city report government'
).split(' ');
const MENU = ['Home', 'News', 'Sport', 'Business', 'Contact us', 'Log in', 'Register', 'Search', 'Subscribe', 'Share', 'Privacy Policy', 'Terms of Use'];

function sentence(rand: () => number): string {
  const n = 6 + Math.floor(rand() * 18);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    let word = VOCABULARY[Math.floor(rand() * VOCABULARY.length)] ?? 'word';
    if (i === 0) word = word[0]?.toUpperCase() + word.slice(1);
    if (rand() < 0.06) word += ',';
    if (rand() < 0.02) word = `"${word}"`;
    if (rand() < 0.03) word = String(Math.floor(rand() * 2024));
    words.push(word);
  }
  return `${words.join(' ')}${rand() < 0.9 ? '.' : rand() < 0.5 ? '?' : '!'}${rand() < 0.05 ? '[1]' : ''}`;
}

/** A page: title, a menu block, paragraphs of sentences with headings, a footer block. */
function page(rand: () => number): string {
  const lines: string[] = [sentence(rand).replace(/[.?!](\[1\])?$/, '')];
  const menu = Math.floor(rand() * 10);
  for (let i = 0; i < menu; i++) lines.push(MENU[Math.floor(rand() * MENU.length)] ?? 'Home');
  const paragraphs = 2 + Math.floor(rand() * 25);
  for (let p = 0; p < paragraphs; p++) {
    if (rand() < 0.15) lines.push(sentence(rand).split(' ').slice(0, 3).join(' ').replace(/[.,?!"]/g, ''));
    const sentences = 1 + Math.floor(rand() * 6);
    lines.push(Array.from({ length: sentences }, () => sentence(rand)).join(' '));
    if (rand() < 0.05) lines.push(`Read more at https://example.org/${Math.floor(rand() * 1e6)} for details on this topic today.`);
  }
  const footer = Math.floor(rand() * 8);
  for (let i = 0; i < footer; i++) lines.push(rand() < 0.3 ? `© ${2000 + Math.floor(rand() * 24)} Example Media. All rights reserved.` : (MENU[Math.floor(rand() * MENU.length)] ?? 'Home'));
  return lines.join('\n');
}

function corpus(bytesWanted: number): string[] {
  const rand = random(20241127);
  const docs: string[] = [];
  let bytes = 0;
  while (bytes < bytesWanted) {
    const doc = page(rand);
    docs.push(doc);
    bytes += Buffer.byteLength(doc);
  }
  return docs;
}

interface Figure {
  readonly docsPerSecond: number;
  readonly mbPerSecond: number;
}

function cpuSeconds(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** Runs `fn` over the corpus (after a warm-up pass) for at least `minSeconds` of CPU time. */
function measure(docs: readonly string[], bytes: number, minSeconds: number, fn: (text: string) => unknown): Figure {
  for (const doc of docs) fn(doc);
  const start = process.cpuUsage();
  let rounds = 0;
  let seconds = 0;
  do {
    for (const doc of docs) fn(doc);
    rounds++;
    seconds = cpuSeconds(start);
  } while (seconds < minSeconds);
  return { docsPerSecond: (docs.length * rounds) / seconds, mbPerSecond: (bytes * rounds) / seconds / 1e6 };
}

// CPU time still slows under load (cores shared with hyperthreads, caches, clocks): the load
// is printed with the figures, and the ratios to the floor measured beside them hold better.
const loadAtStart = loadavg()[0] as number;
const docs = corpus(quick ? 1_000_000 : 8_000_000);
const bytes = docs.reduce((sum, doc) => sum + Buffer.byteLength(doc), 0);
const minSeconds = quick ? 0.5 : 3;
console.log(`corpus: ${docs.length} generated pages, ${(bytes / 1e6).toFixed(1)} MB (${quick ? 'quick' : 'full'} run, CPU time, one thread)`);

const floor = measure(docs, bytes, minSeconds, (text) => text.split(/\s+/).length);
console.log(`floor  whitespace split     ${floor.mbPerSecond.toFixed(1).padStart(7)} MB/s ${Math.round(floor.docsPerSecond).toString().padStart(8)} docs/s`);
const tokenizer = measure(docs, bytes, minSeconds, (text) => splitIntoWords(text).length);
console.log(`       word tokenizer       ${tokenizer.mbPerSecond.toFixed(1).padStart(7)} MB/s ${Math.round(tokenizer.docsPerSecond).toString().padStart(8)} docs/s  ${(tokenizer.mbPerSecond / floor.mbPerSecond).toFixed(2)}x floor`);

// `--preset <spec>` (repeatable) measures only those specs, e.g. while profiling one rule set.
const chosen = process.argv.flatMap((arg, i) => (arg === '--preset' && process.argv[i + 1] !== undefined ? [process.argv[i + 1] as string] : []));
const presets = chosen.length > 0 ? chosen : [DEFAULT_RULE_PRESET, 'c4', 'gopher', 'fineweb', 'prox-lines', 'fineweb+prox-lines', 'all'];
const figures: Record<string, Figure & { ratioToFloor: number }> = {};
for (const preset of presets) {
  const config = parseRuleSpec(preset);
  const figure = measure(docs, bytes, minSeconds, (text) => writeRulePrograms(text, config));
  figures[preset] = { ...figure, ratioToFloor: figure.mbPerSecond / floor.mbPerSecond };
  console.log(`rules  ${(preset === DEFAULT_RULE_PRESET ? `${preset} (default)` : preset).padEnd(21)} ${figure.mbPerSecond.toFixed(1).padStart(7)} MB/s ${Math.round(figure.docsPerSecond).toString().padStart(8)} docs/s  ${(figure.mbPerSecond / floor.mbPerSecond).toFixed(2)}x floor`);
}

const devsetAt = process.argv.indexOf('--devset');
const devsetDir = devsetAt >= 0 && process.argv[devsetAt + 1] !== undefined ? (process.argv[devsetAt + 1] as string) : DEFAULT_DEVSET_DIR;
let realPages: { docs: number; mb: number; floorMBps: number; presets: Record<string, Figure & { ratioToFloor: number }> } | undefined;
if (hasDevset(devsetDir)) {
  const pages = readLabelledSet(devsetDir).map((d) => d.text);
  const pageBytes = pages.reduce((sum, doc) => sum + Buffer.byteLength(doc), 0);
  const lines = pages.reduce((sum, doc) => sum + doc.split('\n').length, 0);
  console.log(`\nreal pages: ${devsetDir}, ${pages.length} pages, ${(pageBytes / 1e6).toFixed(2)} MB, ${Math.round(pageBytes / lines)} bytes per line (generated: ${Math.round(bytes / docs.reduce((sum, doc) => sum + doc.split('\n').length, 0))})`);
  const pageFloor = measure(pages, pageBytes, minSeconds, (text) => text.split(/\s+/).length);
  console.log(`floor  whitespace split     ${pageFloor.mbPerSecond.toFixed(1).padStart(7)} MB/s ${Math.round(pageFloor.docsPerSecond).toString().padStart(8)} docs/s`);
  const pageFigures: Record<string, Figure & { ratioToFloor: number }> = {};
  for (const preset of presets) {
    const config = parseRuleSpec(preset);
    const figure = measure(pages, pageBytes, minSeconds, (text) => writeRulePrograms(text, config));
    pageFigures[preset] = { ...figure, ratioToFloor: figure.mbPerSecond / pageFloor.mbPerSecond };
    console.log(`rules  ${(preset === DEFAULT_RULE_PRESET ? `${preset} (default)` : preset).padEnd(21)} ${figure.mbPerSecond.toFixed(1).padStart(7)} MB/s ${Math.round(figure.docsPerSecond).toString().padStart(8)} docs/s  ${(figure.mbPerSecond / pageFloor.mbPerSecond).toFixed(2)}x floor`);
  }
  realPages = { docs: pages.length, mb: pageBytes / 1e6, floorMBps: pageFloor.mbPerSecond, presets: pageFigures };
} else {
  console.log(`\nreal pages: none at ${devsetDir} (pass --devset <folder>); generated pages only`);
}

const load = [loadAtStart, loadavg()[0] as number];
const cores = availableParallelism();
console.log(`load average ${load.map((l) => l.toFixed(1)).join(' -> ')} on ${cores} cores${Math.max(...load) > cores ? ' (loaded: MB/s figures are depressed; compare the x-floor ratios)' : ''}`);
const measuredDefault = figures[DEFAULT_RULE_PRESET]?.mbPerSecond ?? 0;
const realDefault = realPages?.presets[DEFAULT_RULE_PRESET]?.mbPerSecond;
console.log(
  `target: default preset (${DEFAULT_RULE_PRESET}) >= ${TARGET_MBPS} MB/s: ${measuredDefault >= TARGET_MBPS ? 'met' : 'NOT met'} (${measuredDefault.toFixed(1)} MB/s generated` +
    `${realDefault === undefined ? '' : `, ${realDefault.toFixed(1)} MB/s real pages: ${realDefault >= TARGET_MBPS ? 'met' : 'NOT met'}`}); all: ${(figures.all?.mbPerSecond ?? 0).toFixed(1)} MB/s`,
);
console.log(
  JSON.stringify({
    bench: 'rules',
    quick,
    corpusDocs: docs.length,
    corpusMB: bytes / 1e6,
    floorMBps: floor.mbPerSecond,
    tokenizerMBps: tokenizer.mbPerSecond,
    presets: figures,
    realPages: realPages ?? null,
    defaultPreset: DEFAULT_RULE_PRESET,
    targetMBps: TARGET_MBPS,
    targetMet: measuredDefault >= TARGET_MBPS,
    targetMetOnRealPages: realDefault === undefined ? null : realDefault >= TARGET_MBPS,
    loadAverage: load.map((l) => Number(l.toFixed(2))),
    cores,
  }),
);
