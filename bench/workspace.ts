/**
 * Workspace throughput: indexing (FTS included) and export of a generated JSONL corpus, plain
 * and .zst, against the floor measured in the same run on the same file: a bare streaming read
 * + JSON.parse of every line. Peak RSS is sampled throughout.
 *
 *   npm run bench:workspace            1 GB corpus
 *   npm run bench:workspace -- --quick 100 MB corpus
 *   ... -- --plain                     skip the .zst run (profiling)
 *
 * Wall MB/s and CPU-time MB/s (process.cpuUsage: user + system of this process, all threads)
 * are both printed: on a loaded machine the CPU figures are the ones to compare between runs.
 * Indexing parses in a worker thread while the main thread writes SQLite, so its process CPU
 * is spread over two cores; the main ("writer") thread's own CPU time is printed too (Linux):
 * it is the critical path, and on a quiet two-core machine wall time approaches it.
 *
 * Targets: index >= 40 MB/s and >= 0.3 x floor; export >= 100 MB/s; peak RSS < 500 MB.
 * All rates are MB of uncompressed JSONL text per second, for the .zst form too.
 * The corpus is cached in bench/.data/workspace. Last line: one JSON object of the figures.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Decompress } from 'fzstd';
import Database from 'better-sqlite3';
import { openJsonlWriter } from '../main/export/writer';
import { Workspace } from '../main/workspace/service';
import { writeSyntheticJsonl } from '../test/support/synthetic-web-pages';

const quick = process.argv.includes('--quick');
const targetBytes = quick ? 100e6 : 1e9;
const dataDir = resolve(import.meta.dirname, '.data', 'workspace');
const label = quick ? '100mb' : '1gb';

let peakRss = 0;
/** Peak of the current phase (floor, index, export): flat across corpus sizes means bounded memory. */
let phasePeak = 0;
const sampleRss = () => {
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  phasePeak = Math.max(phasePeak, rss);
};
const sampler = setInterval(sampleRss, 50);
const phase = (): number => {
  sampleRss();
  const peak = phasePeak;
  phasePeak = 0;
  return round(peak / 1e6);
};

async function generate(path: string): Promise<void> {
  if (existsSync(path) && statSync(path).size >= targetBytes * 0.99) return;
  process.stderr.write(`generating ${path} (${(targetBytes / 1e6).toFixed(0)} MB, test/support/synthetic-web-pages.ts)...\n`);
  await writeSyntheticJsonl(`${path}.partial`, targetBytes / (1024 * 1024));
  renameSync(`${path}.partial`, path);
}

async function compressZst(from: string, to: string): Promise<void> {
  if (existsSync(to)) return;
  process.stderr.write(`compressing ${to}...\n`);
  const cli = spawnSync('zstd', ['-q', '-3', '-T2', '-f', from, '-o', to]);
  if (cli.status === 0) return;
  // No zstd binary: the app's own writer (native zstd on Node >= 22.15; wasm, and slow, before).
  const writer = await openJsonlWriter(to, { compression: 'zstd' });
  const lines = createInterface({ input: createReadStream(from), crlfDelay: Infinity });
  for await (const line of lines) await writer.write(JSON.parse(line));
  await writer.commit();
}

/** The floor: read the file as a stream (decompressing .zst) and JSON.parse every line. */
async function bareParse(path: string): Promise<{ seconds: number; lines: number }> {
  const started = performance.now();
  let lines = 0;
  let rest = '';
  const decoder = new TextDecoder();
  const onText = (text: string) => {
    const parts = (rest + text).split('\n');
    rest = parts.pop()!;
    for (const p of parts) if (p.length > 0) {
      JSON.parse(p);
      lines++;
    }
  };
  if (path.endsWith('.zst')) {
    const zstd = new Decompress((chunk) => onText(decoder.decode(chunk, { stream: true })));
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) zstd.push(chunk);
    zstd.push(new Uint8Array(0), true);
  } else {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) onText(decoder.decode(chunk, { stream: true }));
  }
  if (rest.length > 0) {
    JSON.parse(rest);
    lines++;
  }
  sampleRss();
  return { seconds: (performance.now() - started) / 1000, lines };
}

interface Figures {
  file: string;
  /** Uncompressed JSONL text, the unit of every rate; and the file as stored (smaller for .zst). */
  megabytes: number;
  fileMegabytes: number;
  /** Peak RSS (MB) within each phase of this run. */
  peakRssMB: { floor: number; index: number; export: number };
  floorMBps: number;
  floorCpuMBps: number;
  indexMBps: number;
  indexCpuMBps: number;
  indexCpuVsFloor: number;
  indexWriterCpuMBps: number | null;
  indexVsFloor: number;
  exportMBps: number;
  exportCpuMBps: number;
  exportedMB: number;
  documents: number;
  dbMB: number;
}

/** `text`: the uncompressed JSONL (the rates are MB of text per second, the same unit for both forms). */
async function measure(file: string, text: string): Promise<Figures> {
  const folder = join(dataDir, `run-${label}-${file.endsWith('.zst') ? 'zst' : 'plain'}`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const corpus = join(folder, file.split('/').pop()!);
  spawnSync('ln', ['-s', file, corpus]);
  const bytes = statSync(text).size;
  const megabytes = bytes / 1e6;
  const fileMegabytes = statSync(file).size / 1e6;

  phase();
  let cpu = process.cpuUsage();
  const floor = await bareParse(file);
  const floorPeakMB = phase();
  const floorMBps = megabytes / floor.seconds;
  const floorCpuMBps = megabytes / cpuSecondsSince(cpu);

  const dbPath = join(folder, 'ws.sqlite');
  const ws = Workspace.open(folder, { dbPath, env: { ...process.env, REFINERY_HOME: folder } });
  cpu = process.cpuUsage();
  const writerCpu = threadCpuSeconds();
  const indexed = await ws.index({ onProgress: sampleRss });
  const indexPeakMB = phase();
  const indexMBps = megabytes / indexed.seconds;
  const indexCpuMBps = megabytes / cpuSecondsSince(cpu);
  const writerCpuAfter = threadCpuSeconds();
  const indexWriterCpuMBps = writerCpu !== null && writerCpuAfter !== null ? megabytes / (writerCpuAfter - writerCpu) : null;

  // Give every document a doc and a chunk program so export really executes programs: in one
  // statement on a connection of its own, not a million hand edits through the service.
  const programs = new Database(ws.dbPath);
  programs.exec(`INSERT INTO programs (doc_seq, stage, run_id, programmer_key, program, notes, failure, prompt_tokens, generated_tokens, edited, created_at)
    SELECT seq, 'doc', NULL, 'bench', 'keep_doc()', '[]', NULL, 0, 0, 1, '' FROM documents`);
  programs.exec(`INSERT INTO programs (doc_seq, stage, run_id, programmer_key, program, notes, failure, prompt_tokens, generated_tokens, edited, created_at)
    SELECT seq, 'chunk', NULL, 'bench', 'remove_lines(line_start=0, line_end=0)', '[]', NULL, 0, 0, 1, '' FROM documents`);
  programs.close();
  const out = join(folder, 'export.jsonl');
  cpu = process.cpuUsage();
  const exported = await ws.export({ out, compression: 'none', auditDropped: false, auditRemovedLines: false });
  const exportCpuMBps = megabytes / cpuSecondsSince(cpu);
  const exportPeakMB = phase();
  const exportMBps = megabytes / exported.seconds;
  const dbMB = statSync(dbPath).size / 1e6;
  await ws.dispose();
  rmSync(out, { force: true });
  rmSync(folder, { recursive: true, force: true });
  const figures = {
    file: file.endsWith('.zst') ? 'jsonl.zst' : 'jsonl',
    megabytes: round(megabytes),
    fileMegabytes: round(fileMegabytes),
    floorMBps: round(floorMBps),
    floorCpuMBps: round(floorCpuMBps),
    indexMBps: round(indexMBps),
    indexCpuMBps: round(indexCpuMBps),
    indexVsFloor: round(indexMBps / floorMBps, 3),
    indexCpuVsFloor: round(indexCpuMBps / floorCpuMBps, 3),
    indexWriterCpuMBps: indexWriterCpuMBps === null ? null : round(indexWriterCpuMBps),
    exportMBps: round(exportMBps),
    exportCpuMBps: round(exportCpuMBps),
    exportedMB: round(exported.uncompressedBytes / 1e6),
    documents: indexed.documentsRead,
    peakRssMB: { floor: floorPeakMB, index: indexPeakMB, export: exportPeakMB },
    dbMB: round(dbMB),
  };
  console.log(
    `${figures.file.padEnd(9)} ${figures.megabytes} MB of text${figures.fileMegabytes !== figures.megabytes ? ` (${figures.fileMegabytes} MB file)` : ''}, ${figures.documents} docs: floor (read+JSON.parse) ${figures.floorMBps} MB/s (cpu ${figures.floorCpuMBps}) | ` +
      `index ${figures.indexMBps} MB/s (cpu ${figures.indexCpuMBps}) = ${figures.indexVsFloor} x floor (cpu ${figures.indexCpuVsFloor}; target >= 40 and >= 0.3), writer thread cpu ${figures.indexWriterCpuMBps ?? 'n/a'} MB/s | ` +
      `export ${figures.exportMBps} MB/s (cpu ${figures.exportCpuMBps}) of corpus (target >= 100) | db ${figures.dbMB} MB | ` +
      `peak RSS floor/index/export ${figures.peakRssMB.floor}/${figures.peakRssMB.index}/${figures.peakRssMB.export} MB`,
  );
  return figures;
}

/**
 * CPU seconds (user + system) of this process since `from`: on a shared, loaded machine wall
 * time measures the neighbours too. Includes SQLite's work, which runs on this thread.
 */
function cpuSecondsSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}

/**
 * CPU seconds of the calling thread so far (Linux /proc; null elsewhere). process.cpuUsage
 * adds up all threads, which no longer tells how fast the critical thread goes.
 */
function threadCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticksPerSecond = 100; // USER_HZ, 100 on every Linux Node supports
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return null;
  }
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

mkdirSync(dataDir, { recursive: true });
const plain = join(dataDir, `generated-${label}.jsonl`);
await generate(plain);
const zst = `${plain}.zst`;
await compressZst(plain, zst);
const onlyPlain = process.argv.includes('--plain');
const results = onlyPlain ? [await measure(plain, plain)] : [await measure(plain, plain), await measure(zst, plain)];
clearInterval(sampler);
sampleRss();
const peakMB = round(peakRss / 1e6);
console.log(`peak RSS ${peakMB} MB (target < 500)`);
console.log(JSON.stringify({ bench: 'workspace', quick, peakRssMB: peakMB, results }));
