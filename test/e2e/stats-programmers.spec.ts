/**
 * Stats: retention per programmer in the browser shell. The devset is refined by two rule
 * programmers one after the other (c4, then fineweb+prox-lines); Stats shows one row per
 * programmer over the same 69 documents with documents, words and tokens kept, the same
 * figures stats.programmers answers, and the two programmers differ.
 */
import { expect, test } from '@playwright/test';
import { makeSandbox, needBrowser, screenshot, startShell } from './support';

interface Retention {
  label: string;
  documents: number;
  keptDocuments: number;
  originalWords: number;
  keptWords: number;
  originalTokens: number;
  keptTokens: number;
}

const count = (n: number): string => n.toLocaleString('en-US');

test('Stats shows retention per programmer for two programmers over the same corpus', async ({ page }) => {
  needBrowser();
  // Two batches over the devset: on a loaded shared machine they can take most of the default 180 s.
  test.setTimeout(360_000);
  const box = makeSandbox();
  const shell = await startShell(box.home);
  const nav = (name: string) => page.locator('nav.sidebar').getByRole('button', { name, exact: true });
  try {
    await page.goto(shell.url);
    await page.getByLabel('folder path').fill(box.corpus);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByTestId('doclist')).toHaveAttribute('aria-label', '69 documents');

    const card = page.getByTestId('programmer-retention');
    await test.step('before any batch: no programmer yet', async () => {
      await nav('Stats').click();
      await expect(card).toContainText('No programmer has refined this corpus yet');
    });

    for (const preset of ['c4', 'fineweb+prox-lines']) {
      await nav('Batch').click();
      await page.getByLabel('rule preset').selectOption(preset);
      await page.getByRole('button', { name: /^Start( again)?$/ }).click();
      await expect(page.locator('section[aria-label=job] .state-pill')).toHaveText('done', { timeout: 150_000 });
      await expect(page.locator('section[aria-label=job]')).toContainText('69 / 69');
    }

    await test.step('one row per programmer, with the figures stats.programmers answers', async () => {
      await nav('Stats').click();
      const rows = card.getByTestId('programmer-retention-row');
      await expect(rows).toHaveCount(2);
      await expect(card.locator('table')).toHaveAttribute('data-complete', 'true');

      const url = new URL(shell.url);
      const reply = await page.request.post(`${url.origin}/api/call/stats.programmers`, {
        headers: { 'x-refinery-token': url.searchParams.get('token')!, 'content-type': 'application/json' },
        data: { budgetMs: 10_000 },
      });
      const pass = ((await reply.json()) as { result: { programmers: Retention[]; complete: boolean; total: number } }).result;
      expect(pass.complete).toBe(true);
      expect(pass.total).toBe(69);
      expect(pass.programmers.map((p) => p.label).sort()).toEqual(['Rules (c4)', 'Rules (fineweb+prox-lines)']);
      for (const p of pass.programmers) {
        const row = rows.filter({ has: page.getByText(p.label, { exact: true }) });
        await expect(row).toHaveCount(1);
        const cells = row.locator('td');
        await expect(cells.nth(1)).toHaveText('69');
        await expect(cells.nth(2)).toContainText(`${count(p.keptDocuments)} of ${count(p.documents)}`);
        await expect(cells.nth(3)).toContainText(`${count(p.keptWords)} of ${count(p.originalWords)}`);
        await expect(cells.nth(4)).toContainText(`${count(p.keptTokens)} of ${count(p.originalTokens)}`);
        await expect(cells.nth(2)).toContainText(`${((100 * p.keptDocuments) / p.documents).toFixed(1)}%`);
        expect(p.keptTokens).toBeLessThan(p.originalTokens);
      }
      const [a, b] = pass.programmers as [Retention, Retention];
      // The same corpus before refining; different refinements after.
      expect(a.originalWords).toBe(b.originalWords);
      expect(a.originalTokens).toBe(b.originalTokens);
      expect(a.keptWords !== b.keptWords || a.keptDocuments !== b.keptDocuments).toBe(true);
      // The corpus-wide token count is the same "before" figure.
      await expect(page.locator('.metric').filter({ hasText: 'Tokens kept' })).toContainText(`of ${count(a.originalTokens)}`);
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, 'stats-01-per-programmer');
      await page.setViewportSize({ width: 1920, height: 1080 });
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, 'stats-02-per-programmer-1920');
    });
  } finally {
    await shell.kill();
    box.dispose();
  }
});
