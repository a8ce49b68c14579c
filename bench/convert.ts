/**
 * HF checkpoint -> GGUF conversion throughput and memory. Converts a synthetic F32 llama
 * checkpoint of the ProX 0.3B shape (24 layers, hidden 1280, 16 heads, 1 KV head, FFN 2048,
 * Llama-2 vocabulary; 1.42 GB, like the released refining models) to f32, f16 and q8_0,
 * against a floor measured in the same run: a bare read + write copy of the same safetensors
 * bytes in the same block size. Each phase runs in its own child process so its peak RSS is
 * its own. --quick uses a 4-layer, hidden-512 checkpoint (~170 MB).
 * Usage: npm run bench:convert [-- --quick]. The checkpoint is cached in bench/.data.
 * Last line: one JSON object with the figures.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertCheckpoint } from '../main/convert/convert-checkpoint';
import type { LlamaHyperparameters, OutputType } from '../main/convert/llama-gguf';
import { writeRandomHfCheckpoint } from '../test/support/synthetic-checkpoint';
import { llama2Vocabulary } from '../test/support/tiny-model';

const here = resolve(fileURLToPath(new URL('.', import.meta.url)));
const dataDir = join(here, '.data');
const BLOCK_BYTES = 16 << 20; // the converter's default block: 4 Mi values of f32

interface PhaseResult {
  phase: string;
  seconds: number;
  sourceBytes: number;
  outputBytes: number;
  mbPerSecond: number;
  /** CPU seconds (user + system): on a shared machine the wall clock mostly measures the neighbours. */
  cpuSeconds: number;
  mbPerCpuSecond: number;
  peakRssMb: number;
}

function safetensorsFiles(folder: string): string[] {
  return readdirSync(folder).filter((f) => f.endsWith('.safetensors')).map((f) => join(folder, f));
}

/** The floor: read every safetensors byte and write it out again, nothing else. */
function copyFloor(folder: string, out: string): { sourceBytes: number; outputBytes: number } {
  const buf = Buffer.alloc(BLOCK_BYTES);
  const outFd = openSync(out, 'w');
  let total = 0;
  try {
    for (const file of safetensorsFiles(folder)) {
      const fd = openSync(file, 'r');
      try {
        let pos = 0;
        while (true) {
          const n = readSync(fd, buf, 0, buf.byteLength, pos);
          if (n === 0) break;
          let o = 0;
          while (o < n) o += writeSync(outFd, buf, o, n - o);
          pos += n;
        }
        total += pos;
      } finally {
        closeSync(fd);
      }
    }
  } finally {
    closeSync(outFd);
  }
  return { sourceBytes: total, outputBytes: total };
}

function runChild(phase: string, folder: string, out: string): PhaseResult {
  const start = performance.now();
  const cpu0 = process.resourceUsage();
  let sourceBytes: number;
  let outputBytes: number;
  if (phase === 'floor') ({ sourceBytes, outputBytes } = copyFloor(folder, out));
  else {
    const r = convertCheckpoint(folder, out, { outType: phase as OutputType, overwrite: true });
    sourceBytes = r.bytesRead;
    outputBytes = r.bytesWritten;
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu1 = process.resourceUsage();
  const cpuSeconds = (cpu1.userCPUTime - cpu0.userCPUTime + cpu1.systemCPUTime - cpu0.systemCPUTime) / 1e6;
  // maxRSS is in KiB on Linux.
  return {
    phase, seconds, sourceBytes, outputBytes, mbPerSecond: sourceBytes / 1e6 / seconds,
    cpuSeconds, mbPerCpuSecond: sourceBytes / 1e6 / cpuSeconds, peakRssMb: cpu1.maxRSS / 1024,
  };
}

function runPhase(phase: string, folder: string): PhaseResult {
  const out = join(dataDir, `bench-out-${phase}.bin`);
  rmSync(out, { force: true });
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', phase, folder, out], { encoding: 'utf8', maxBuffer: 1 << 20 });
  rmSync(out, { force: true });
  if (child.status !== 0) throw new Error(`phase ${phase} failed: ${child.stderr || child.stdout}`);
  const lines = child.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as PhaseResult;
}

function ensureCheckpoint(quick: boolean): { folder: string; h: LlamaHyperparameters } {
  const vocabulary = llama2Vocabulary();
  const h: LlamaHyperparameters = quick
    ? { layers: 4, hidden: 512, heads: 8, kvHeads: 1, ffn: 1024, context: 2048, vocabSize: 32000, rmsEps: 1e-5, ropeTheta: 10000 }
    : { layers: 24, hidden: 1280, heads: 16, kvHeads: 1, ffn: 2048, context: 2048, vocabSize: 32000, rmsEps: 1e-5, ropeTheta: 10000 };
  const folder = join(dataDir, quick ? 'hf-llama-quick' : 'hf-llama-0.3b');
  const marker = join(folder, '.complete');
  if (!existsSync(marker)) {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    const t = performance.now();
    process.stderr.write(`generating synthetic checkpoint in ${folder} ...\n`);
    writeRandomHfCheckpoint(folder, { hyperparameters: h, vocabulary, seed: 1, dtype: 'F32', shards: quick ? 1 : 2 });
    writeFileSync(marker, '');
    process.stderr.write(`generated in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  }
  return { folder, h };
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  const [, phase, folder, out] = args;
  console.log(JSON.stringify(runChild(phase, folder, out)));
} else {
  const quick = args.includes('--quick');
  mkdirSync(dataDir, { recursive: true });
  const { folder, h } = ensureCheckpoint(quick);
  const params = safetensorsFiles(folder).reduce((a, f) => a + statSync(f).size, 0) / 4;
  console.log(`checkpoint: ${folder} (${h.layers} layers, hidden ${h.hidden}, ${h.heads}/${h.kvHeads} heads, FFN ${h.ffn}; ${(params / 1e6).toFixed(1)}M params, F32)`);
  // Warm the page cache once so the first measured phase is not penalised.
  runPhase('floor', folder);
  const results = ['floor', 'f32', 'f16', 'q8_0'].map((p) => runPhase(p, folder));
  const floor = results[0];
  console.log('phase   wall s    MB/s  vs floor   CPU s  MB/CPU-s  vs floor  output MB  peak RSS MB');
  for (const r of results) {
    console.log(
      [
        r.phase.padEnd(6), r.seconds.toFixed(2).padStart(7), r.mbPerSecond.toFixed(0).padStart(7),
        (r.mbPerSecond / floor.mbPerSecond).toFixed(2).padStart(9), r.cpuSeconds.toFixed(2).padStart(7),
        r.mbPerCpuSecond.toFixed(0).padStart(9), (r.mbPerCpuSecond / floor.mbPerCpuSecond).toFixed(2).padStart(9),
        (r.outputBytes / 1e6).toFixed(0).padStart(10), r.peakRssMb.toFixed(0).padStart(12),
      ].join(' '),
    );
  }
  const figures: Record<string, number | string | boolean> = { quick, params: Math.round(params), sourceMb: Math.round(floor.sourceBytes / 1e6) };
  for (const r of results) {
    figures[`${r.phase}MbPerS`] = Math.round(r.mbPerSecond);
    figures[`${r.phase}MbPerCpuS`] = Math.round(r.mbPerCpuSecond);
    figures[`${r.phase}PeakRssMb`] = Math.round(r.peakRssMb);
    if (r.phase !== 'floor') {
      figures[`${r.phase}VsFloor`] = Number((r.mbPerSecond / floor.mbPerSecond).toFixed(3));
      figures[`${r.phase}CpuVsFloor`] = Number((r.mbPerCpuSecond / floor.mbPerCpuSecond).toFixed(3));
    }
  }
  console.log(JSON.stringify(figures));
}
