/**
 * The compare view in the browser shell: the devset refined by two rule programmers one after
 * the other (c4, then fineweb+prox-lines), a document they refine differently opened in
 * review, and both refinements shown side by side with their agreement.
 */
import { expect, test } from '@playwright/test';
import { makeSandbox, needBrowser, screenshot, startShell } from './support';

test('compare two programmers on one document', async ({ page }) => {
  needBrowser();
  const box = makeSandbox();
  const shell = await startShell(box.home);
  const nav = (name: string) => page.locator('nav.sidebar').getByRole('button', { name, exact: true });
  try {
    await page.goto(shell.url);
    await page.getByLabel('folder path').fill(box.corpus);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByTestId('doclist')).toHaveAttribute('aria-label', '69 documents');

    for (const preset of ['c4', 'fineweb+prox-lines']) {
      await nav('Batch').click();
      await page.getByLabel('rule preset').selectOption(preset);
      await page.getByRole('button', { name: /^Start( again)?$/ }).click();
      await expect(page.locator('section[aria-label=job] .state-pill')).toHaveText('done', { timeout: 150_000 });
      await expect(page.locator('section[aria-label=job]')).toContainText('69 / 69');
    }

    await nav('Corpus').click();
    await page.getByRole('tab', { name: 'Modified' }).click();
    await page.locator('.docrow[data-docid]').first().click();
    await expect(page.getByTestId('docview')).toBeVisible();
    await page.getByRole('button', { name: 'Compare programmers' }).click();
    const compare = page.getByTestId('compare');
    await expect(compare).toBeVisible();
    const columns = compare.getByTestId('compare-column');
    await expect(columns).toHaveCount(2);
    await expect(columns.filter({ hasText: 'c4' })).toHaveCount(1);
    await expect(columns.filter({ hasText: 'fineweb' })).toHaveCount(1);
    await expect(page.getByTestId('compare-agreement')).toContainText('2 programmers');
    // A document from the Modified tab: some programmer removed at least one of its lines.
    await expect(compare.locator('td.compare-removed').first()).toBeVisible();
    const rows = await compare.locator('tr.compare-row').count();
    const [all, some, none] = await Promise.all(['compare-all', 'compare-some', 'compare-none'].map((c) => compare.locator(`tr.${c}`).count()));
    expect(all! + some! + none!).toBe(rows);
    await expect(page.getByTestId('compare-agreement')).toContainText(`by all ${all}`);
    await screenshot(page, 'compare-01-two-programmers');

    await page.getByRole('button', { name: 'Compare programmers' }).click();
    await expect(compare).toHaveCount(0);
    await expect(page.getByTestId('panes')).toBeVisible();
  } finally {
    await shell.kill();
    box.dispose();
  }
});
