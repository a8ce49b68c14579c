/**
 * UI performance: `npm run bench:ui [-- --quick]`.
 *
 * Serves the real renderer through the real browser shell (main/server.ts) in Debian's
 * Chromium, over a handler map that describes a 1,000,000-document workspace (rows are
 * computed per page, so the figures measure the UI, not SQLite; bench:workspace measures
 * the index) and one 10,000-line document whose program is run by the real executor.
 *
 * Figures:
 * - list scrolling: frame times while scrolling (smooth wheel-like steps plus long jumps
 *   across the million rows), long tasks over 50 ms, and the floor: frame times of the same
 *   page sitting idle in the same run;
 * - toggling an operation on the 10,000-line document: time from the click to the refined
 *   pane's DOM changing and to the next frame, against the floor of the bare
 *   doc.setOperation HTTP round trip from the same page.
 * Targets: toggle under 50 ms; no long task over 50 ms while scrolling.
 * Last line: one JSON object with every figure.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { DocumentRow, ExecutionView, Handlers, OperationKind } from '../contract/api';
import { dispatch } from '../main/api/transport/dispatch';
import { createEventHub } from '../main/api/transport/event-hub';
import { RENDERER_OUT, ensureRendererBuilt } from '../main/api/transport/renderer-build';
import { executeProgram } from '../main/prox/executor';
import { startServer } from '../main/server';
import { toOperationView } from '../main/workspace/views';

const quick = process.argv.includes('--quick');
const CHROMIUM = process.env.REFINERY_CHROMIUM ?? '/usr/bin/chromium';
const DOCS = 1_000_000;
const BIG_LINES = 10_000;
const BIG_ID = 'big-10000-lines';
const SCROLL_MS = quick ? 1500 : 4000;
const TOGGLES = quick ? 8 : 24;

// ---------------------------------------------------------------- the synthetic workspace

const STATUSES: DocumentRow['status'][] = ['kept', 'modified', 'modified', 'dropped', 'kept', 'pending'];
function rowAt(i: number): DocumentRow {
  if (i === 0) return { id: BIG_ID, file: 'big.txt', locator: null, title: 'A 10,000-line document', words: BIG_LINES * 9, status: 'modified', linesRemoved: 2000, normalized: 40, hasErrors: false };
  const status = STATUSES[i % STATUSES.length]!;
  return {
    id: `doc-${i}`,
    file: `shard-${String(Math.floor(i / 10_000)).padStart(3, '0')}.jsonl`,
    locator: i % 10_000,
    title: `Document ${i}: ${['Home | About | Contact', 'How to bake sourdough bread', 'Lecture notes on linear algebra', 'Forum thread: compiling llama.cpp'][i % 4]}`,
    words: 100 + ((i * 7919) % 5000),
    status,
    linesRemoved: status === 'modified' ? (i % 17) + 1 : 0,
    normalized: status === 'modified' && i % 3 === 0 ? 2 : 0,
    hasErrors: i % 997 === 0,
  };
}

const bigLines: string[] = [];
for (let i = 0; i < BIG_LINES; i++) {
  bigLines.push(i % 5 === 0 ? `Share | Tweet | Subscribe to our newsletter (${i})` : `Line ${i}: the quick brown fox jumps over the lazy dog, Click Here for more about item ${i}.`);
}
const bigText = bigLines.join('\n');
// A chunk program of the shape ProX writes: many small remove_lines plus a few normalize calls.
const chunkProgramLines: string[] = [];
for (let i = 0; i < BIG_LINES; i += 50) chunkProgramLines.push(`remove_lines(line_start=${i}, line_end=${i})`);
chunkProgramLines.push('normalize(source_str="Click Here", target_str="")');
const chunkProgram = chunkProgramLines.join('\n');
const disabledChunk = new Set<number>();
const disabledKinds = new Set<OperationKind>();

function bigExecution(): ExecutionView {
  const ex = executeProgram({ text: bigText, docProgram: 'keep_doc()', chunkProgram, mode: 'strict', disabled: { chunk: disabledChunk }, disabledKinds });
  return {
    original: bigText,
    refined: ex.text,
    dropped: ex.dropped,
    dropReason: ex.dropReason,
    removedBy: ex.removedBy,
    replacements: ex.replacements.map((r) => ({ op: r.op, start: r.start, end: r.end, to: r.to })),
    errorCount: ex.errorCount,
    cancelled: ex.cancelled,
    errors: [],
    operations: ex.operations.map((op) => toOperationView(op, disabledKinds.has(op.kind), op.kind === 'remove_lines' ? { reason: 'navigation / share line' } : undefined)),
  };
}

const summary = { id: 'bench', folder: '/bench/million', dbPath: ':memory:', documents: DOCS, sources: 100, scanErrors: 0, idsRenamed: 0, firstRenamed: null, bytes: DOCS * 2000, openedAt: new Date().toISOString() };
const toggles = (): Record<OperationKind, boolean> => ({ drop_doc: true, keep_doc: true, keep_chunk: true, remove_lines: !disabledKinds.has('remove_lines'), normalize: !disabledKinds.has('normalize'), keep_all: true, remove_all: true, replace_str: true, add_line: true });
const idle = { id: null, state: 'idle' as const, programmer: null, spec: null, stage: null, done: 0, total: 0, stages: [], docsPerSecond: 0, tokensPerSecond: 0, etaSeconds: null, errors: 0, message: null, startedAt: null };

const implemented: Partial<Handlers> = {
  'app.info': async () => ({ version: 'bench', shell: 'browser' }),
  'workspace.current': async () => summary,
  'refine.status': async () => idle,
  'toggles.get': async () => toggles(),
  'docs.list': async ({ offset, limit }) => {
    const rows: DocumentRow[] = [];
    for (let i = offset; i < Math.min(DOCS, offset + limit); i++) rows.push(rowAt(i));
    return { total: DOCS, rows };
  },
  'doc.get': async ({ docId }) => {
    const execution = docId === BIG_ID ? bigExecution() : { ...bigExecution(), original: 'short', refined: 'short', removedBy: [null], replacements: [], operations: [] };
    return { row: rowAt(docId === BIG_ID ? 0 : 1), doc: { stage: 'doc', text: 'keep_doc()', programmer: 'bench', keepProbability: 0.93, failure: null, notes: [] }, chunk: { stage: 'chunk', text: chunkProgram, programmer: 'bench', keepProbability: null, failure: null, notes: [] }, execution };
  },
  'doc.setOperation': async ({ line, enabled }) => {
    if (enabled) disabledChunk.delete(line);
    else disabledChunk.add(line);
    return bigExecution();
  },
};
const handlers = new Proxy(implemented, {
  get: (target, name: string) => target[name as keyof Handlers] ?? (async () => Promise.reject(Object.assign(new Error(`${name} is not part of the UI benchmark`), { code: 'failed' }))),
}) as Handlers;

// ---------------------------------------------------------------- measurement helpers

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const r1 = (n: number): number => Math.round(n * 10) / 10;

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`bench:ui skipped: no Chromium at ${CHROMIUM} (Debian: apt-get install chromium, or set REFINERY_CHROMIUM)`);
    console.log(JSON.stringify({ skipped: true }));
    return;
  }
  await ensureRendererBuilt();
  // Warm the executor once so the first toggle is not a JIT measurement.
  bigExecution();
  const sanity = await dispatch(handlers, 'docs.list', { offset: 999_990, limit: 10 });
  if (!sanity.ok) throw new Error(sanity.error.message);

  const hub = createEventHub();
  const server = await startServer({ handlers, subscribe: hub.subscribe, rendererDir: RENDERER_OUT });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('crash', () => console.error('bench:ui: the page crashed'));
    page.on('pageerror', (err) => console.error(`bench:ui: page error: ${err.message}`));
    // tsx keeps function names with a __name helper that does not exist inside the page.
    await page.addInitScript('globalThis.__name = (fn) => fn;');
    await page.goto(server.url);
    await page.locator('.docrow[data-docid]').first().waitFor();

    // -- idle floor: frame intervals with nothing happening.
    const frames = (ms: number, scroll: boolean): Promise<{ intervals: number[]; longTasks: number[]; blankRows: number; jumps: number }> =>
      page.evaluate(
        ({ ms, scroll, docs }) =>
          new Promise((resolve) => {
            const list = document.querySelector<HTMLElement>('[data-testid="doclist"]')!;
            const longTasks: number[] = [];
            const observer = new PerformanceObserver((entries) => entries.getEntries().forEach((e) => longTasks.push(e.duration)));
            observer.observe({ type: 'longtask', buffered: false });
            const intervals: number[] = [];
            let last = performance.now();
            const start = last;
            let frame = 0;
            let blankRows = 0;
            let jumps = 0;
            const rowHeight = 30;
            const step = (): void => {
              const now = performance.now();
              intervals.push(now - last);
              last = now;
              frame++;
              if (scroll) {
                // Mostly wheel-like scrolling, with a jump across the corpus every 40 frames.
                if (frame % 40 === 0) {
                  jumps++;
                  list.scrollTop = Math.floor(Math.random() * (docs - 40)) * rowHeight;
                } else list.scrollTop += 120;
                if (frame % 40 === 39) blankRows += list.querySelectorAll('.docrow-placeholder').length;
              }
              if (now - start < ms) requestAnimationFrame(step);
              else {
                observer.disconnect();
                resolve({ intervals: intervals.slice(1), longTasks, blankRows, jumps });
              }
            };
            requestAnimationFrame(step);
          }),
        { ms, scroll, docs: DOCS },
      );
    const idleRun = await frames(1000, false);
    const scrollRun = await frames(SCROLL_MS, true);

    // -- toggling on the 10,000-line document.
    await page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="doclist"]')!.scrollTo(0, 0));
    await page.locator(`.docrow[data-docid="${BIG_ID}"]`).click();
    await page.locator('[data-testid="panes"] .row').first().waitFor();
    await page.locator('.op-remove_lines input[type=checkbox]').first().waitFor();
    const toggle = await page.evaluate(
      async ({ count, docId }) => {
        const panes = document.querySelector<HTMLElement>('[data-testid="panes"]')!;
        const toDom: number[] = [];
        const toFrame: number[] = [];
        const roundTrip: number[] = [];
        const confirmed: number[] = [];
        for (let i = 0; i < count; i++) {
          // The first remove_lines removes line 0, which is on screen: the refined pane must change.
          const box = document.querySelector<HTMLInputElement>('.op-remove_lines input[type=checkbox]')!;
          const t0 = performance.now();
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('the refined pane did not change within 5 s of a toggle')), 5000);
            const observer = new MutationObserver(() => {
              observer.disconnect();
              toDom.push(performance.now() - t0);
              requestAnimationFrame(() => {
                clearTimeout(timer);
                toFrame.push(performance.now() - t0);
                resolve();
              });
            });
            observer.observe(panes, { subtree: true, childList: true, attributes: true, characterData: true });
            box.click();
          });
          // Then until the executor's own result replaced the prediction.
          const waitStart = performance.now();
          while ([...document.querySelectorAll('.panes-head .badge')].some((b) => b.textContent === 'updating…') && performance.now() - waitStart < 10_000) {
            await new Promise((r) => setTimeout(r, 2));
          }
          confirmed.push(performance.now() - t0);
          // Let the quiet reload that follows a toggle settle before the next click.
          await new Promise((r) => setTimeout(r, 150));
          const r0 = performance.now();
          await fetch('/api/call/doc.setOperation', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ docId, stage: 'chunk', line: 1, enabled: i % 2 === 1 }) });
          roundTrip.push(performance.now() - r0);
        }
        return { toDom, toFrame, roundTrip, confirmed };
      },
      { count: TOGGLES, docId: BIG_ID },
    );
    await page.screenshot({ path: 'test-results/screenshots/bench-ui-10000-lines.png' }).catch(() => undefined);

    const figures = {
      quick,
      documents: DOCS,
      bigDocumentLines: BIG_LINES,
      scroll: {
        frames: scrollRun.intervals.length,
        jumps: scrollRun.jumps,
        frameMsP50: r1(percentile(scrollRun.intervals, 50)),
        frameMsP95: r1(percentile(scrollRun.intervals, 95)),
        frameMsMax: r1(Math.max(...scrollRun.intervals)),
        longTasksOver50ms: scrollRun.longTasks.filter((d) => d > 50).length,
        longestTaskMs: r1(Math.max(0, ...scrollRun.longTasks)),
        placeholderRowsSeenBeforeJumps: scrollRun.blankRows,
      },
      idleFloor: { frameMsP50: r1(percentile(idleRun.intervals, 50)), frameMsP95: r1(percentile(idleRun.intervals, 95)) },
      toggle: {
        samples: toggle.toDom.length,
        toDomMsP50: r1(percentile(toggle.toDom, 50)),
        toDomMsP95: r1(percentile(toggle.toDom, 95)),
        toFrameMsP50: r1(percentile(toggle.toFrame, 50)),
        toFrameMsP95: r1(percentile(toggle.toFrame, 95)),
        executorConfirmedMsP50: r1(percentile(toggle.confirmed, 50)),
        roundTripFloorMsP50: r1(percentile(toggle.roundTrip, 50)),
      },
    };
    const scrollRatio = figures.scroll.frameMsP95 / Math.max(0.1, figures.idleFloor.frameMsP95);
    const toggleRatio = figures.toggle.toFrameMsP50 / Math.max(0.1, figures.toggle.roundTripFloorMsP50);
    console.log(`list: ${DOCS.toLocaleString('en-US')} documents, ${figures.scroll.frames} frames scrolled (${figures.scroll.jumps} long jumps)`);
    console.log(`  frame time p50 ${figures.scroll.frameMsP50} ms, p95 ${figures.scroll.frameMsP95} ms, max ${figures.scroll.frameMsMax} ms; idle floor p95 ${figures.idleFloor.frameMsP95} ms (ratio ${scrollRatio.toFixed(2)}x)`);
    console.log(`  long tasks over 50 ms: ${figures.scroll.longTasksOver50ms} (longest ${figures.scroll.longestTaskMs} ms) — target 0`);
    console.log(`toggle on a ${BIG_LINES.toLocaleString('en-US')}-line document (${chunkProgramLines.length} operations), ${figures.toggle.samples} toggles:`);
    console.log(`  click -> refined pane DOM p50 ${figures.toggle.toDomMsP50} ms, p95 ${figures.toggle.toDomMsP95} ms; -> next frame p50 ${figures.toggle.toFrameMsP50} ms, p95 ${figures.toggle.toFrameMsP95} ms — target < 50 ms`);
    console.log(`  (the first update is predicted in the page from the view; the executor's result replaces it after p50 ${figures.toggle.executorConfirmedMsP50} ms)`);
    console.log(`  floor: bare doc.setOperation round trip p50 ${figures.toggle.roundTripFloorMsP50} ms (ratio ${toggleRatio.toFixed(2)}x)`);
    console.log(JSON.stringify({ ...figures, ratios: { scrollP95VsIdle: Number(scrollRatio.toFixed(2)), toggleVsRoundTrip: Number(toggleRatio.toFixed(2)) } }));
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
