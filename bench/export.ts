/**
 * Export throughput: records → openJsonlWriter (plain, gzip, zstd, and plain through
 * writeJsonLine, the workspace export's path) against a floor measured
 * in the same run: the same bytes already serialized, written with one fs.writeFile (no
 * JSON.stringify, no temp file, no fsync). Records are synthetic web pages (test/support/synthetic-web-pages.ts).
 * Throughput per CPU second (user + system, all threads) and per wall second: on a shared,
 * loaded machine only the CPU figure measures the code.
 * Usage: npx tsx bench/export.ts [--quick] [--mb N]. Last line: one JSON object of the figures.
 */
import { promises as fs, mkdirSync } from 'node:fs';
import path from 'node:path';
import { syntheticDocuments, type SyntheticDocument } from '../test/support/synthetic-web-pages';
import { openJsonlWriter, type Compression } from '../main/export/writer';
import { zstdImplementation } from '../main/export/zstd';

const here = path.dirname(new URL(import.meta.url).pathname);
const outDir = path.join(here, '.data', 'export');

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const mbIndex = args.indexOf('--mb');
  const megabytes = mbIndex !== -1 ? Number(args[mbIndex + 1]) : quick ? 20 : 100;
  mkdirSync(outDir, { recursive: true });

  // Hold the records in memory so only the writer is timed.
  const records: SyntheticDocument[] = [];
  let bytes = 0;
  for (const doc of syntheticDocuments(7)) {
    records.push(doc);
    bytes += Buffer.byteLength(JSON.stringify(doc)) + 1;
    if (bytes >= megabytes * 1024 * 1024) break;
  }

  const serialized = Buffer.from(records.map((record) => `${JSON.stringify(record)}\n`).join(''));
  const floorPath = path.join(outDir, 'floor.jsonl');
  let start = performance.now();
  let cpuStart = process.cpuUsage();
  await fs.writeFile(floorPath, serialized);
  const floorSeconds = (performance.now() - start) / 1000;
  const floorMbPerS = serialized.length / 1e6 / floorSeconds;
  const floorMbPerCpuS = serialized.length / 1e6 / cpuSecondsSince(cpuStart);
  await fs.rm(floorPath);

  const results: Record<Compression, { mbPerS: number; mbPerCpuS: number; outMb: number }> = {} as never;
  for (const compression of ['none', 'gzip', 'zstd'] as const) {
    // zstd through the wasm fallback is slow (see main/export/zstd.ts): time a fifth of the records.
    const slice = compression === 'zstd' && zstdImplementation() === 'wasm' ? records.slice(0, Math.ceil(records.length / 5)) : records;
    const target = path.join(outDir, `bench.jsonl${compression === 'gzip' ? '.gz' : compression === 'zstd' ? '.zst' : ''}`);
    // Plain is the cheap one, so it gets the best of three runs (the first also warms the JIT up).
    const runs = compression === 'none' ? 3 : 1;
    for (let run = 0; run < runs; run++) {
      start = performance.now();
      cpuStart = process.cpuUsage();
      const writer = await openJsonlWriter(target, { compression });
      for (const record of slice) {
        const pending = writer.write(record);
        if (pending) await pending;
      }
      const summary = await writer.commit();
      const seconds = (performance.now() - start) / 1000;
      const mbPerS = summary.uncompressedBytes / 1e6 / seconds;
      const mbPerCpuS = summary.uncompressedBytes / 1e6 / cpuSecondsSince(cpuStart);
      await fs.rm(target);
      if (results[compression] && results[compression].mbPerCpuS >= mbPerCpuS) continue;
      results[compression] = { mbPerS, mbPerCpuS, outMb: summary.bytes / 1e6 };
    }
    const r = results[compression];
    process.stdout.write(
      `${(compression === 'none' ? 'plain' : compression).padEnd(6)} ${r.mbPerCpuS.toFixed(1).padStart(7)} MB per CPU-s ${r.mbPerS.toFixed(1).padStart(7)} MB/s wall  (${r.outMb.toFixed(1)} MB out${runs > 1 ? `, best of ${runs}` : ''})\n`,
    );
  }
  // The export's own path: each line pre-encoded around its text, which the writer escapes
  // straight into its batch (writeJsonLine). Same bytes as write(record), checked below.
  const linePath = path.join(outDir, 'bench-lines.jsonl');
  let line = { mbPerS: 0, mbPerCpuS: 0, bytes: 0 };
  for (let run = 0; run < 3; run++) {
    start = performance.now();
    cpuStart = process.cpuUsage();
    const writer = await openJsonlWriter(linePath, { compression: 'none' });
    for (const record of records) {
      const pending = writer.writeJsonLine(`{"id":${JSON.stringify(record.id)},"url":${JSON.stringify(record.url)},"text":"`, record.text, '"}');
      if (pending) await pending;
    }
    const summary = await writer.commit();
    const seconds = (performance.now() - start) / 1000;
    const mbPerCpuS = summary.uncompressedBytes / 1e6 / cpuSecondsSince(cpuStart);
    if (run === 0 && summary.uncompressedBytes !== serialized.length) throw new Error(`writeJsonLine wrote ${summary.uncompressedBytes} bytes, write(record) ${serialized.length}`);
    await fs.rm(linePath);
    if (mbPerCpuS > line.mbPerCpuS) line = { mbPerS: summary.uncompressedBytes / 1e6 / seconds, mbPerCpuS, bytes: summary.uncompressedBytes };
  }
  process.stdout.write(
    `lines  ${line.mbPerCpuS.toFixed(1).padStart(7)} MB per CPU-s ${line.mbPerS.toFixed(1).padStart(7)} MB/s wall  (plain, writeJsonLine: text escaped into the batch, best of 3; ${(line.mbPerCpuS / results.none.mbPerCpuS).toFixed(2)}x write(record))\n`,
  );
  process.stdout.write(`floor  ${floorMbPerCpuS.toFixed(1).padStart(7)} MB per CPU-s ${floorMbPerS.toFixed(1).padStart(7)} MB/s wall  (fs.writeFile of pre-serialized bytes)\n`);
  process.stdout.write(`plain export: ${(results.none.mbPerCpuS / floorMbPerCpuS).toFixed(2)}x the floor per CPU-s (it also serializes every record; the floor does not)\n`);
  process.stdout.write(`zstd implementation: ${zstdImplementation()}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (records held in memory)\n`);
  const round = (value: number): number => Math.round(value * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'export',
      quick,
      inputMb: round(serialized.length / 1e6),
      floorMbPerCpuS: round(floorMbPerCpuS),
      plainMbPerCpuS: round(results.none.mbPerCpuS),
      gzipMbPerCpuS: round(results.gzip.mbPerCpuS),
      zstdMbPerCpuS: round(results.zstd.mbPerCpuS),
      floorMbPerS: round(floorMbPerS),
      plainMbPerS: round(results.none.mbPerS),
      plainLinesMbPerCpuS: round(line.mbPerCpuS),
      plainLinesMbPerS: round(line.mbPerS),
      gzipMbPerS: round(results.gzip.mbPerS),
      zstdMbPerS: round(results.zstd.mbPerS),
      zstdImplementation: zstdImplementation(),
      plainRatioToFloorCpu: round(results.none.mbPerCpuS / floorMbPerCpuS),
    })}\n`,
  );
}

await main();
