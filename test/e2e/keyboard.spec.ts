/**
 * Keyboard flow (issue 15.4, 15.5): j / k walk the list as it is shown (sort, filter), and the
 * shortcuts keep working after the mouse has put focus on a checkbox; Esc leaves the search.
 */
import { expect, type Page, test } from '@playwright/test';
import { makeSandbox, needBrowser, screenshot, startShell } from './support';

const selectedId = (page: Page) => page.locator('.docrow.selected').getAttribute('data-docid');

test('j / k follow the sort and filter; shortcuts work after mouse clicks; Esc leaves the search', async ({ page }) => {
  needBrowser();
  const box = makeSandbox();
  const shell = await startShell(box.home, box.corpus);
  const nav = (name: string) => page.locator('nav.sidebar').getByRole('button', { name, exact: true });
  const rows = page.locator('.docrow[data-docid]');
  try {
    await page.goto(shell.url);
    await expect(page.getByTestId('doclist')).toHaveAttribute('aria-label', '69 documents');

    await test.step('sorted by words, descending: j and k step through the rows as shown', async () => {
      await page.getByLabel('sort', { exact: true }).selectOption('words');
      await page.getByRole('button', { name: 'sort direction' }).click();
      await expect(page.getByRole('button', { name: 'sort direction' })).toHaveText('↓');
      const shown = async () => rows.evaluateAll((els) => els.slice(0, 4).map((el) => el.getAttribute('data-docid')));
      await expect.poll(async () => (await shown()).length).toBe(4);
      const words = await rows.evaluateAll((els) => els.slice(0, 4).map((el) => Number((el.querySelector('.docrow-words')?.textContent ?? '').replace(/[^\d]/g, ''))));
      expect(words).toEqual([...words].sort((a, b) => b - a));
      const order = await shown();
      await rows.nth(0).click();
      await expect.poll(() => selectedId(page)).toBe(order[0]);
      for (const id of [order[1], order[2], order[3]]) {
        await page.keyboard.press('j');
        await expect.poll(() => selectedId(page)).toBe(id);
      }
      await page.keyboard.press('k');
      await expect.poll(() => selectedId(page)).toBe(order[2]);
      await page.getByLabel('sort', { exact: true }).selectOption('order');
      await page.getByRole('button', { name: 'sort direction' }).click();
    });

    await test.step('refine with the rules', async () => {
      await nav('Batch').click();
      await page.getByLabel('rule preset').selectOption('fineweb+prox-lines');
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await expect(page.locator('section[aria-label=job] .state-pill')).toHaveText('done', { timeout: 150_000 });
      await nav('Corpus').click();
    });

    await test.step('filtered to Modified: j stays inside the filter', async () => {
      await page.getByRole('tab', { name: 'Modified' }).click();
      await expect(rows.nth(1)).toBeVisible();
      const order = await rows.evaluateAll((els) => els.slice(0, 3).map((el) => el.getAttribute('data-docid')));
      await rows.nth(0).click();
      await page.keyboard.press('j');
      await expect.poll(() => selectedId(page)).toBe(order[1]);
      await page.keyboard.press('j');
      await expect.poll(() => selectedId(page)).toBe(order[2]);
      await page.keyboard.press('k');
      await page.keyboard.press('k');
      await expect.poll(() => selectedId(page)).toBe(order[0]);
    });

    await test.step('one line numbering (the program\'s) in both panes; a removed line says why on hover', async () => {
      const kept = page.locator('.panes-scroll .row:not(.row-removed)').nth(1);
      const numbers = await kept.locator('.ln').allTextContents();
      expect(numbers[0]).not.toBe('');
      expect(numbers[1]).toBe(numbers[0]);
      const removed = page.locator('.panes-scroll .row-removed .cell-original').first();
      await expect(removed).toHaveAttribute('title', /^removed by operation \d+: remove_lines\(/);
    });

    await test.step('after a click on an operation checkbox, 1 and j still work', async () => {
      const box1 = page.locator('.docview input[type=checkbox][aria-label^="operation 1:"]');
      await expect(box1).toBeChecked();
      await box1.click();
      await expect(box1).not.toBeChecked();
      await expect(box1).toBeFocused();
      await page.keyboard.press('1');
      await expect(box1).toBeChecked();
      const before = await selectedId(page);
      await page.keyboard.press('j');
      await expect.poll(() => selectedId(page)).not.toBe(before);
      await page.keyboard.press('k');
      await expect.poll(() => selectedId(page)).toBe(before);
    });

    await test.step('after a click on a workspace switch, / focuses the search; Esc leaves it, keeping the text', async () => {
      const everywhere = page.getByLabel('apply normalize everywhere');
      await everywhere.click();
      await expect(everywhere).not.toBeChecked();
      await everywhere.click();
      await expect(everywhere).toBeChecked();
      await page.keyboard.press('/');
      const search = page.getByLabel('search documents');
      await expect(search).toBeFocused();
      await page.keyboard.type('jk');
      await expect(search).toHaveValue('jk');
      await page.keyboard.press('Escape');
      await expect(search).not.toBeFocused();
      await expect(search).toHaveValue('jk');
      await search.fill('');
      await page.keyboard.press('Escape');
      await rows.nth(0).click();
      const first = await selectedId(page);
      await page.keyboard.press('j');
      await expect.poll(() => selectedId(page)).not.toBe(first);
    });

    await test.step('screenshots at 1440×900 and 1920×1080', async () => {
      await screenshot(page, 'keyboard-1440x900');
      await page.setViewportSize({ width: 1920, height: 1080 });
      await screenshot(page, 'keyboard-1920x1080');
    });
  } finally {
    await shell.kill();
    box.dispose();
  }
});
