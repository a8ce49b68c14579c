/**
 * Executor benchmark: parse + execute (doc stage and chunk stage) over a generated corpus of
 * ~4 KB documents with ~4 chunk operations each, in strict and reference mode, on one core.
 *
 *   npm run bench:executor            100,000 documents
 *   npm run bench:executor -- --quick  10,000 documents
 *
 * The corpus cycles through a pool of distinct generated documents (default 2,000, ~8 MB) so
 * that memory stays flat and the figure measures the executor, not the generator; the
 * executor keeps no cache, so repeating a document costs the same as a new one.
 * The floor is a bare `text.split("\n").join("\n")` pass over the same documents, measured in
 * the same run: the least any line-based executor must do. Prints documents/s, MB/s (UTF-8 bytes
 * of document text), the ratio to the floor, peak RSS; the last line is one JSON object.
 * Throughput is given twice: by wall-clock time and by this process's CPU time (user +
 * system). On a shared, oversubscribed machine wall time mostly measures waiting for a core;
 * CPU time is what one core actually spent, so the target is checked against it.
 */
import os from 'node:os';
import { executeProgram } from '../main/prox/executor';
import type { ParseMode } from '../main/prox/program';
import { seededRandom as prng } from '../test/support/seeded-random';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const documents = numberArg('--docs') ?? (quick ? 10_000 : 100_000);
const poolSize = Math.min(numberArg('--pool') ?? 2_000, documents);
const TARGET_MB_PER_S = 100;

function numberArg(name: string): number | undefined {
  const at = args.indexOf(name);
  if (at === -1) return undefined;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`bench:executor: ${name} needs a positive integer`);
    process.exit(2);
  }
  return value;
}

const VOCABULARY = 'the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their has would when if so no will more can out said who about up them some could what into than its time only other new people also'.split(' ');
const NAV = ['Home | About | Contact | Login', 'Share on Facebook Twitter', 'Click here to subscribe', 'Copyright 2024 All rights reserved', 'Privacy Policy | Terms of Use'];

interface BenchDoc {
  readonly text: string;
  readonly docProgram: string;
  readonly chunkProgram: string;
  readonly bytes: number;
}

function generateDoc(random: () => number): BenchDoc {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const lines: string[] = [];
  let length = 0;
  const target = 3_500 + Math.floor(random() * 1_200); // ~4 KB on average
  while (length < target) {
    let line: string;
    if (random() < 0.15) line = pick(NAV);
    else {
      const words: string[] = [];
      const n = 6 + Math.floor(random() * 14);
      for (let i = 0; i < n; i++) words.push(random() < 0.02 ? 'http://example.com/?ref=nav' : pick(VOCABULARY));
      line = words.join(' ');
    }
    lines.push(line);
    length += line.length + 1;
  }
  const last = lines.length - 1;
  const ops: string[] = [];
  ops.push(random() < 0.5 ? 'remove_lines(line_start=0, line_end=1)' : 'remove_lines(start=0, end=1)');
  ops.push(`remove_lines(start=${last - 2}, end=${last})`);
  ops.push(random() < 0.5 ? 'normalize(source_str="http://example.com/?ref=nav", target_str="")' : 'normalize(source_str="Click here", target_str="")');
  ops.push(random() < 0.5 ? 'keep_chunk()' : `remove_lines(line_start=${Math.floor(last / 2)}, line_end=${Math.floor(last / 2)})`);
  const text = lines.join('\n');
  return {
    text,
    docProgram: random() < 0.1 ? 'drop_doc()' : 'keep_doc()',
    chunkProgram: ops.join('\n'),
    bytes: Buffer.byteLength(text, 'utf8'),
  };
}

interface Timing {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly bytes: number;
  readonly checksum: number;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function runExecutor(pool: readonly BenchDoc[], count: number, mode: ParseMode): Timing {
  let bytes = 0;
  let checksum = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const doc = pool[i % pool.length]!;
    const result = executeProgram({ text: doc.text, docProgram: doc.docProgram, chunkProgram: doc.chunkProgram, mode });
    checksum += result.text.length + result.errorCount;
    bytes += doc.bytes;
  }
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSecondsSince(cpu), bytes, checksum };
}

function runFloor(pool: readonly BenchDoc[], count: number): Timing {
  let bytes = 0;
  let checksum = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const doc = pool[i % pool.length]!;
    checksum += doc.text.split('\n').join('\n').length;
    bytes += doc.bytes;
  }
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSecondsSince(cpu), bytes, checksum };
}

const random = prng(20240917);
const pool = Array.from({ length: poolSize }, () => generateDoc(random));
const poolBytes = pool.reduce((sum, d) => sum + d.bytes, 0);
console.log(`corpus: ${documents} documents cycling ${poolSize} generated ones, ${(poolBytes / poolSize / 1024).toFixed(1)} KiB average, ~4 chunk operations each (node ${process.version}, one thread)`);

// Warm up the JIT on both paths before measuring.
runExecutor(pool, Math.min(2_000, documents), 'strict');
runExecutor(pool, Math.min(2_000, documents), 'reference');
runFloor(pool, Math.min(2_000, documents));

const floor = runFloor(pool, documents);
const floorMBs = floor.bytes / 1e6 / floor.seconds;
const floorCpuMBs = floor.bytes / 1e6 / floor.cpuSeconds;
interface ModeResult {
  docsPerSecond: number;
  mbPerSecond: number;
  cpuDocsPerSecond: number;
  cpuMBPerSecond: number;
  ratioToFloor: number;
  seconds: number;
  cpuSeconds: number;
}
const results: Record<string, ModeResult> = {};
for (const mode of ['strict', 'reference'] as const) {
  const run = runExecutor(pool, documents, mode);
  const cpuMBPerSecond = run.bytes / 1e6 / run.cpuSeconds;
  results[mode] = {
    docsPerSecond: documents / run.seconds,
    mbPerSecond: run.bytes / 1e6 / run.seconds,
    cpuDocsPerSecond: documents / run.cpuSeconds,
    cpuMBPerSecond,
    ratioToFloor: cpuMBPerSecond / floorCpuMBs,
    seconds: run.seconds,
    cpuSeconds: run.cpuSeconds,
  };
}
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
const [load1] = os.loadavg();

console.log(`machine: ${os.cpus().length} cores, load average ${load1!.toFixed(1)} (wall-clock figures shrink when the cores are shared)`);
console.log(`floor (split + join): ${floorCpuMBs.toFixed(1)} MB/s per CPU second (${floorMBs.toFixed(1)} MB/s wall)`);
for (const [mode, r] of Object.entries(results)) {
  const verdict = r.cpuMBPerSecond >= TARGET_MB_PER_S ? 'meets' : 'BELOW';
  console.log(
    `${mode.padEnd(9)} ${Math.round(r.cpuDocsPerSecond).toLocaleString('en-US')} docs/s, ${r.cpuMBPerSecond.toFixed(1)} MB/s per CPU second ` +
      `(${(r.ratioToFloor * 100).toFixed(0)}% of the floor; ${verdict} the ${TARGET_MB_PER_S} MB/s target); ` +
      `wall: ${Math.round(r.docsPerSecond).toLocaleString('en-US')} docs/s, ${r.mbPerSecond.toFixed(1)} MB/s in ${r.seconds.toFixed(2)} s`,
  );
}
console.log(`peak RSS: ${peakRssMiB.toFixed(0)} MiB`);
console.log(JSON.stringify({
  bench: 'executor',
  quick,
  documents,
  pool: poolSize,
  averageBytes: Math.round(poolBytes / poolSize),
  loadAverage: round(load1!),
  floorCpuMBPerSecond: round(floorCpuMBs),
  floorWallMBPerSecond: round(floorMBs),
  strictCpuDocsPerSecond: Math.round(results.strict!.cpuDocsPerSecond),
  strictCpuMBPerSecond: round(results.strict!.cpuMBPerSecond),
  strictWallMBPerSecond: round(results.strict!.mbPerSecond),
  strictRatioToFloor: round(results.strict!.ratioToFloor),
  referenceCpuDocsPerSecond: Math.round(results.reference!.cpuDocsPerSecond),
  referenceCpuMBPerSecond: round(results.reference!.cpuMBPerSecond),
  referenceWallMBPerSecond: round(results.reference!.mbPerSecond),
  referenceRatioToFloor: round(results.reference!.ratioToFloor),
  targetMBPerSecond: TARGET_MB_PER_S,
  peakRssMiB: Math.round(peakRssMiB),
}));

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
