/**
 * Per-programmer retention (Stats, `stats.programmers`): `npm run bench:retention [-- --quick]`.
 *
 * A generated web-like corpus (5,000 documents; --quick 2,000) is refined by two rule
 * programmers one after the other (c4, then fineweb+prox-lines), so every document has two
 * programmers' programs in the program cache. Figures:
 * - whole pass in one call (what stats.programmers did before it was paged): the time one
 *   request would hold the server;
 * - paged as the Stats screen asks (150 ms slices): number of calls, the longest call, the
 *   total, and documents/s;
 * - a fresh call once the pass is finished and nothing changed (the cached answer);
 * - the floor, measured in the same run: stats.get, which executes every document's current
 *   programs once (per-programmer retention executes them once per programmer).
 * Target: no call longer than 2x the slice (300 ms); the cached answer under 5 ms.
 * Last line: one JSON object with every figure.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../main/workspace/service';
import { syntheticDocuments } from '../test/support/synthetic-web-pages';

const quick = process.argv.includes('--quick');
const DOCS = quick ? 2000 : 5000;
const SLICE_MS = 150;

const root = mkdtempSync(join(tmpdir(), 'refinery-bench-retention-'));
const folder = join(root, 'corpus');
mkdirSync(folder);
const lines: string[] = [];
for (const doc of syntheticDocuments(7)) {
  if (lines.length >= DOCS) break;
  lines.push(JSON.stringify(doc));
}
writeFileSync(join(folder, 'pages.jsonl'), `${lines.join('\n')}\n`);

const ms = (start: number): number => Math.round((performance.now() - start) * 10) / 10;

const env = { ...process.env, REFINERY_HOME: join(root, 'home') };
let ws = Workspace.open(folder, { env });
try {
  await ws.index();
  for (const preset of ['c4', 'fineweb+prox-lines']) await ws.refine({ spec: { type: 'rules', preset }, stages: 'both' });

  let t = performance.now();
  ws.stats();
  const floorMs = ms(t);

  // The whole pass in one call.
  t = performance.now();
  const whole = ws.programmerRetention({ resume: false, budgetMs: 10_000_000 });
  const wholeMs = ms(t);
  if (!whole.complete || whole.done !== DOCS) throw new Error(`the one-call pass did ${whole.done} of ${DOCS} documents`);

  // Paged, from scratch: passes live with the open workspace, so open it again.
  await ws.dispose();
  ws = Workspace.open(folder, { env });
  const calls: number[] = [];
  t = performance.now();
  let pass = ws.programmerRetention({ resume: false, budgetMs: SLICE_MS });
  calls.push(ms(t));
  while (!pass.complete) {
    const c = performance.now();
    pass = ws.programmerRetention({ resume: true, budgetMs: SLICE_MS });
    calls.push(ms(c));
  }
  const pagedMs = ms(t);
  if (pass.done !== DOCS) throw new Error(`the paged pass did ${pass.done} of ${DOCS} documents`);
  if (JSON.stringify(pass.programmers) !== JSON.stringify(whole.programmers)) throw new Error('the paged pass and the one-call pass disagree');

  t = performance.now();
  const cached = ws.programmerRetention({ resume: false, budgetMs: SLICE_MS });
  const cachedMs = ms(t);
  if (!cached.complete || cached.elapsedMs !== pass.elapsedMs) throw new Error('the finished pass was not reused');

  const longest = Math.max(...calls);
  const rate = Math.round((DOCS / pagedMs) * 1000);
  console.log(`corpus: ${DOCS} documents, ${whole.programmers.length} programmers (${whole.programmers.map((p) => p.label).join(', ')})`);
  for (const p of whole.programmers) {
    console.log(`  ${p.label}: documents kept ${p.keptDocuments}/${p.documents}, words ${p.keptWords}/${p.originalWords}, tokens ${p.keptTokens}/${p.originalTokens}`);
  }
  console.log(`floor  stats.get (every document executed once): ${floorMs} ms`);
  console.log(`whole  one call, every document x every programmer: ${wholeMs} ms (what one request held the server for before)`);
  console.log(`paged  ${calls.length} calls of ${SLICE_MS} ms slices: longest ${longest} ms, total ${pagedMs} ms, ${rate} documents/s`);
  console.log(`cached fresh call after the pass, nothing changed: ${cachedMs} ms`);
  console.log(`target: longest call <= ${2 * SLICE_MS} ms: ${longest <= 2 * SLICE_MS ? 'met' : 'MISSED'}; cached < 5 ms: ${cachedMs < 5 ? 'met' : 'MISSED'}`);
  console.log(JSON.stringify({ bench: 'retention', quick, documents: DOCS, programmers: whole.programmers.length, floorMs, wholeMs, pagedCalls: calls.length, longestCallMs: longest, pagedMs, documentsPerSecond: rate, cachedMs }));
} finally {
  await ws.dispose();
  rmSync(root, { recursive: true, force: true });
}
