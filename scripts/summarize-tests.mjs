// Prints one line "N passed, N failed, N skipped" over the JSON reports of Vitest and Playwright;
// when anything was skipped, the line goes on to name each skipped test (and Playwright's reason),
// so a skip cannot pass unnoticed. Exits 1 when anything failed or nothing passed.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
/** "file › test title (reason)", one per skipped test. */
const skips = [];

const SKIPPED_IN_VITEST = new Set(['skipped', 'pending', 'todo']);

function vitest(report) {
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  for (const file of report.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      if (SKIPPED_IN_VITEST.has(test.status)) skips.push(`${relative(process.cwd(), file.name)} › ${test.fullName}`);
    }
  }
}

function playwright(report) {
  passed += report.stats.expected + (report.stats.flaky ?? 0);
  failed += report.stats.unexpected;
  skipped += report.stats.skipped;
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'skipped') continue;
        const reason = (test.annotations ?? []).find((a) => a.type === 'skip' && a.description)?.description;
        skips.push(`test/e2e/${spec.file} › ${spec.title}${reason ? ` (${reason})` : ''}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
}

for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  if ('numPassedTests' in report) vitest(report);
  else if (report.stats) playwright(report);
}
const named = skips.length > 0 ? `: ${skips.join('; ')}` : '';
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped${named}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
