/** scripts/summarize-tests.mjs: the suite's last line counts every test and names every skip. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = mkdtempSync(join(tmpdir(), 'summarize-tests-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function summarize(vitest: object, playwright: object): { line: string; status: number | null } {
  writeFileSync(join(dir, 'vitest.json'), JSON.stringify(vitest));
  writeFileSync(join(dir, 'playwright.json'), JSON.stringify(playwright));
  const run = spawnSync(process.execPath, ['scripts/summarize-tests.mjs', join(dir, 'vitest.json'), join(dir, 'playwright.json')], { cwd: ROOT, encoding: 'utf8' });
  return { line: run.stdout.trim().split('\n').at(-1) ?? '', status: run.status };
}

const vitestReport = (statuses: string[]) => ({
  numPassedTests: statuses.filter((s) => s === 'passed').length,
  numFailedTests: statuses.filter((s) => s === 'failed').length,
  numPendingTests: statuses.filter((s) => s === 'skipped').length,
  numTodoTests: 0,
  testResults: [{ name: join(ROOT, 'test/unit/a.test.ts'), assertionResults: statuses.map((status, i) => ({ status, fullName: `a ${i}` })) }],
});

const playwrightReport = (skipReason?: string) => ({
  stats: { expected: 1, unexpected: 0, flaky: 0, skipped: skipReason === undefined ? 0 : 1 },
  suites: [{
    specs: [
      { file: 'x.spec.ts', title: 'works', tests: [{ status: 'expected', annotations: [] }] },
      ...(skipReason === undefined ? [] : [{ file: 'window.spec.ts', title: 'opens', tests: [{ status: 'skipped', annotations: [{ type: 'skip', description: skipReason }] }] }]),
    ],
  }],
});

describe('summarize-tests', () => {
  it('counts both reports and says nothing more when nothing was skipped', () => {
    expect(summarize(vitestReport(['passed', 'passed']), playwrightReport())).toEqual({ line: '3 passed, 0 failed, 0 skipped', status: 0 });
  });

  it('names each skipped test, with Playwright’s reason', () => {
    const { line, status } = summarize(vitestReport(['passed', 'skipped']), playwrightReport('no binary'));
    expect(line).toBe('2 passed, 0 failed, 2 skipped: test/unit/a.test.ts › a 1; test/e2e/window.spec.ts › opens (no binary)');
    expect(status).toBe(0);
  });

  it('exits 1 when a test failed', () => {
    expect(summarize(vitestReport(['passed', 'failed']), playwrightReport()).status).toBe(1);
  });
});
