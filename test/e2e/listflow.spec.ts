/**
 * The review list while reviewing (issue 15.6, 15.8, 15.9): rows with real titles and their
 * origin (the .txt and .jsonl copies of a page told apart), filter chips named after what they
 * show with counts that agree with Stats, "refine this document now", and a list that keeps its
 * order and selection when a dropped page is switched back, until the user refreshes it.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { DEVSET_DOCS } from '../support/fixtures';
import { makeSandbox, needBrowser, screenshot, startShell } from './support';

const selectedId = (page: Page) => page.locator('.docrow.selected').getAttribute('data-docid');
const count = async (page: Page, filter: string) => Number(((await page.getByTestId(`count-${filter}`).textContent()) ?? '').replace(/[^\d]/g, ''));
const listed = async (page: Page) => Number(/^(\d+)/.exec((await page.getByTestId('doclist').getAttribute('aria-label')) ?? '')?.[1]);

test('titles and origins, chips with counts, refine one document now, a stable list while reviewing', async ({ page }) => {
  needBrowser();
  const box = makeSandbox();
  // The page whose first line is "Home>>", also as a .txt file: two copies with one title.
  const home41 = (readFileSync(DEVSET_DOCS, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; text: string })).find((d) => d.id === 'dev-041')!;
  expect(home41.text.startsWith('Home>>')).toBe(true);
  writeFileSync(join(box.corpus, 'dev-041.txt'), home41.text);
  const shell = await startShell(box.home, box.corpus);
  const nav = (name: string) => page.locator('nav.sidebar').getByRole('button', { name, exact: true });
  const rows = page.locator('.docrow[data-docid]');
  const title = 'Monitoring system aids wild animal protection efforts in NE China';
  try {
    await page.goto(shell.url);
    await expect(page.getByTestId('doclist')).toHaveAttribute('aria-label', '70 documents');

    await test.step('chips say what they filter, with counts; nothing is refined yet', async () => {
      await expect(page.getByRole('tab', { name: /^Kept unchanged/ })).toBeVisible();
      await expect(page.getByTestId('count-all')).toHaveText('70');
      await expect(page.getByTestId('count-pending')).toHaveText('70');
      await expect(page.getByTestId('count-dropped')).toHaveText('0');
    });

    await test.step('the "Home>>" page is listed by its headline; its .txt and .jsonl copies are told apart', async () => {
      await page.getByLabel('search documents').fill('Northeast China Tiger');
      await expect(rows).toHaveCount(2);
      await expect(page.getByTestId('count-all')).toHaveText('2');
      for (const r of await rows.all()) await expect(r.locator('.docrow-title')).toHaveText(title);
      const jsonl = page.locator('.docrow[data-docid="dev-041"]');
      await expect(jsonl.locator('.badge-kind')).toHaveText('jsonl');
      await expect(jsonl.locator('.docrow-place')).toHaveText(/^devset\.jsonl:\d+$/);
      const txt = page.locator('.docrow[data-docid="dev-041.txt"]');
      await expect(txt.locator('.badge-kind')).toHaveText('txt');
      await expect(txt.locator('.docrow-place')).toHaveText('dev-041.txt');
      await expect(txt.locator('.docrow-id')).toHaveCount(0);
      await screenshot(page, 'listflow-01-titles-1440x900');
    });

    await test.step('refine this document now: the result is shown, its row and the counts follow', async () => {
      await page.locator('.docrow[data-docid="dev-041"]').click();
      await expect(page.locator('.docview-title h2')).toHaveText(title);
      await expect(page.getByTestId('doc-status')).toHaveText('not refined');
      await page.getByLabel('refine with').selectOption('fineweb+prox-lines');
      await page.getByRole('button', { name: 'Refine now' }).click();
      await expect(page.getByTestId('refine-note')).toContainText(/^Refined now by .*fineweb.*: not refined → (kept unchanged|modified|dropped) \(document-stage/);
      await expect(page.getByTestId('doc-status')).not.toHaveText('not refined');
      await expect(page.locator('.docrow[data-docid="dev-041"] .badge-pending')).toHaveCount(0);
      await expect(page.getByTestId('count-pending')).toHaveText('1');
      await expect(page.locator('.op').first()).toBeVisible();
      await screenshot(page, 'listflow-02-refined-now-1440x900');
      await page.getByLabel('search documents').fill('');
      await expect(page.getByTestId('doclist')).toHaveAttribute('aria-label', '70 documents');
    });

    await test.step('refine the rest with the rules', async () => {
      await nav('Batch').click();
      await page.getByLabel('rule preset').selectOption('fineweb+prox-lines');
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await expect(page.locator('section[aria-label=job] .state-pill')).toHaveText('done', { timeout: 150_000 });
      await nav('Corpus').click();
    });

    let dropped = 0;
    await test.step('counts agree with the lists and with Stats', async () => {
      await expect(page.getByTestId('count-pending')).toHaveText('0');
      dropped = await count(page, 'dropped');
      const kept = await count(page, 'kept');
      const modified = await count(page, 'modified');
      expect(dropped).toBeGreaterThan(0);
      expect(kept + modified + dropped + (await count(page, 'errors'))).toBeGreaterThanOrEqual(70);
      await expect(page.getByTestId('kept-summary')).toContainText(`${kept + modified} kept (${kept} unchanged, ${modified} modified) · ${dropped} dropped`);
      await page.getByRole('tab', { name: /^Modified/ }).click();
      await expect.poll(() => listed(page)).toBe(modified);
      await nav('Stats').click();
      await expect(page.locator('.metric').filter({ hasText: 'Documents kept' }).locator('.metric-sub')).toHaveText(`${70 - dropped} of 70`);
      await nav('Corpus').click();
    });

    await test.step('a dropped page switched back: header at once, it stays in the list, order and selection kept', async () => {
      await page.getByRole('tab', { name: /^Dropped/ }).click();
      await expect.poll(() => listed(page)).toBe(dropped);
      const order = async () => rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-docid')));
      // A page dropped by its document program (a drop_doc operation to switch off), not first in the list.
      let at = -1;
      for (let i = 1; i < Math.min(dropped, 12); i++) {
        await rows.nth(i).click();
        await expect(page.locator('.docview-title h2')).toBeVisible();
        await expect(page.getByTestId('doc-status')).toHaveText('dropped');
        if ((await page.locator('.op-drop_doc input[type=checkbox]:checked').count()) > 0) {
          at = i;
          break;
        }
      }
      expect(at, 'a page dropped by drop_doc among the first rows').toBeGreaterThan(0);
      const before = await order();
      const id = await selectedId(page);
      await page.locator('.op-drop_doc input[type=checkbox]').first().click();
      await expect(page.getByTestId('doc-status')).not.toHaveText('dropped');
      await expect(page.locator('[data-testid=panes] .badge-drop')).toHaveCount(0);
      // Still listed where it was, selected, its row no longer marked dropped.
      await expect(page.getByTestId('list-stale')).toContainText('List is out of date: 1 document you reviewed no longer fits');
      // (The notice above the list takes a row's height, so compare the rows around it, not the overscan.)
      expect((await order()).slice(0, at + 4)).toEqual(before.slice(0, at + 4));
      expect(await selectedId(page)).toBe(id);
      await expect(page.locator(`.docrow[data-docid="${id}"] .badge-drop`)).toHaveCount(0);
      await expect(page.getByTestId('count-dropped')).toHaveText(String(dropped - 1));
      expect(await listed(page)).toBe(dropped);
      await screenshot(page, 'listflow-03-stable-1440x900');

      // j / k walk the rows as shown.
      await page.keyboard.press('j');
      await expect.poll(() => selectedId(page)).toBe(before[at + 1]);
      await page.keyboard.press('k');
      await expect.poll(() => selectedId(page)).toBe(id);
      await expect(page.getByTestId('doc-status')).not.toHaveText('dropped');

      // Asked for: the list is fetched again and the page leaves the Dropped filter; the view stays on it.
      await page.getByTestId('list-stale').getByRole('button', { name: 'Refresh' }).click();
      await expect(page.getByTestId('list-stale')).toHaveCount(0);
      await expect.poll(() => listed(page)).toBe(dropped - 1);
      await expect(page.locator(`.docrow[data-docid="${id}"]`)).toHaveCount(0);
      await expect(page.getByTestId('docview')).toBeVisible();
      await expect(page.getByTestId('doc-status')).not.toHaveText('dropped');
      // Another filter: the header still says what the page is now.
      await page.getByRole('tab', { name: /^All/ }).click();
      await expect(page.locator(`.docrow[data-docid="${id}"]`)).toBeVisible();
      await expect(page.getByTestId('doc-status')).not.toHaveText('dropped');
      await expect(page.locator(`.docrow[data-docid="${id}"] .badge-drop`)).toHaveCount(0);
      // Switched on again, then another filter straight away (no refresh): the header keeps up.
      await page.locator('.op-drop_doc input[type=checkbox]').first().click();
      await expect(page.getByTestId('doc-status')).toHaveText('dropped');
      await page.getByRole('tab', { name: /^Kept unchanged/ }).click();
      await expect(page.getByTestId('doc-status')).toHaveText('dropped');
      await expect(page.getByTestId('count-dropped')).toHaveText(String(dropped));
    });

    await test.step('screenshots at 1440×900 and 1920×1080', async () => {
      await page.getByRole('tab', { name: /^All/ }).click();
      await rows.nth(3).click();
      await screenshot(page, 'listflow-04-1440x900');
      await page.setViewportSize({ width: 1920, height: 1080 });
      await screenshot(page, 'listflow-05-1920x1080');
    });
  } finally {
    await shell.kill();
    box.dispose();
  }
});
