/**
 * Layout at 1440×900 and 1920×1080 (issue 15.8): the text panes get the space. The operations
 * panel folds to a rail and the document view remembers it; the split between the original and
 * the refined pane is dragged or moved from the keyboard and remembered; the list takes the
 * keyboard without a heavy outline around it; the "Everywhere:" switches stay on one line.
 * Then every screen is walked at both sizes and saved under test-results/screenshots/layout-*.
 */
import { expect, type Locator, type Page, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, needBrowser, screenshot, startShell } from './support';

const COPIES = 12;
const DOCS = 69 * COPIES + 1; // and bad.jsonl's one good record
const SIZES = [
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
] as const;

const width = async (locator: Locator): Promise<number> => (await locator.boundingBox())?.width ?? 0;

/** Screenshots of what is shown, at each size, ending at 1440×900. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const size of [...SIZES].reverse()) {
    await page.setViewportSize(size);
    await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
    await screenshot(page, `layout-${name}-${size.width}x${size.height}`);
  }
}

test('layout: foldable operations, a resizable split, both remembered; every screen at 1440×900 and 1920×1080', async ({ page }) => {
  needBrowser();
  const box = makeSandbox(COPIES);
  // Something for the Problems screen: a broken JSON line, a record without text, a Latin-1 file.
  writeFileSync(join(box.corpus, 'bad.jsonl'), [JSON.stringify({ id: 'fine', text: 'fine text' }), '{"id": "broken", "text": oops', JSON.stringify({ id: 'notext', body: 'x' })].join('\n') + '\n');
  writeFileSync(join(box.corpus, 'latin1.txt'), Buffer.from('caf\xe9 au lait\nsecond line\n', 'latin1'));
  const shell = await startShell(box.home, box.corpus);
  const nav = (name: string) => page.locator('nav.sidebar').getByRole('button', { name, exact: true });
  const jobPill = page.locator('section[aria-label=job] .state-pill');
  const docBar = page.locator('section[aria-label=job]').getByRole('progressbar', { name: 'Document stage' });
  const head = page.locator('.panes-head > div');
  const split = page.getByTestId('pane-split');
  const fold = page.getByRole('button', { name: /^(Hide|Show) operations$/ });
  try {
    await page.setViewportSize(SIZES[0]);
    await page.goto(shell.url);
    await expect(page.getByTestId('doclist')).toHaveAttribute('aria-label', `${DOCS} documents`);

    await test.step('batch: c4 running at 1440×900, then fineweb+prox-lines running at 1920×1080, and done', async () => {
      for (const [preset, size] of [
        ['c4', SIZES[0]],
        ['fineweb+prox-lines', SIZES[1]],
      ] as const) {
        await page.setViewportSize(size);
        await nav('Batch').click();
        await page.getByLabel('rule preset').selectOption(preset);
        await page.getByRole('button', { name: /^Start( again)?$/ }).click();
        await expect(jobPill).toHaveText('running');
        await expect.poll(async () => Number(await docBar.getAttribute('aria-valuenow')), { timeout: 120_000, intervals: [50] }).toBeGreaterThanOrEqual(1);
        await screenshot(page, `layout-batch-running-${size.width}x${size.height}`);
        await expect(jobPill).toHaveText('done', { timeout: 170_000 });
      }
      await shoot(page, 'batch-done');
    });

    await test.step('review at 1440×900: the operations panel folds away and the panes take its width', async () => {
      await nav('Corpus').click();
      await page.getByRole('tab', { name: 'Modified' }).click();
      await page.locator('.docrow[data-docid]').first().click();
      await expect(page.getByTestId('docview')).toBeVisible();
      await expect(page.locator('.ops .op').first()).toBeVisible();
      await expect(fold).toHaveText('Hide operations');
      const open = [await width(head.nth(0)), await width(head.nth(1))];
      // Half and half by default (the scrollbar aside).
      expect(Math.abs(open[0]! - open[1]!)).toBeLessThanOrEqual(20);
      await shoot(page, 'review-operations');

      await fold.click();
      await expect(fold).toHaveText('Show operations');
      await expect(page.locator('.ops')).toHaveCount(0);
      await expect(page.locator('.program-rail')).toBeVisible();
      const folded = [await width(head.nth(0)), await width(head.nth(1))];
      expect(folded[0]!).toBeGreaterThan(open[0]! + 100);
      // Each pane gets over a quarter of a 1440 px window, the two together over 55 %.
      for (const w of folded) expect(w).toBeGreaterThanOrEqual(0.27 * 1440);
      expect(folded[0]! + folded[1]!).toBeGreaterThanOrEqual(0.55 * 1440);
      // The rows follow the header: an original cell ends where its header does.
      const headBox = (await head.nth(0).boundingBox())!;
      const cellBox = (await page.locator('.panes-scroll .row .cell-original').first().boundingBox())!;
      expect(Math.abs(cellBox.x + cellBox.width - (headBox.x + headBox.width))).toBeLessThanOrEqual(2);
      // 1–9 still switch operations while the panel is folded.
      const rail = page.locator('.program-rail-button');
      await expect(rail).toHaveText(/^\d+ operations?$/);
      await page.keyboard.press('1');
      await expect(rail).toHaveText(/^\d+ operations? · 1 off$/);
      await page.keyboard.press('1');
      await expect(rail).toHaveText(/^\d+ operations?$/);
      await shoot(page, 'review-folded');
    });

    await test.step('the split: dragged, then moved from the keyboard', async () => {
      const [left0, right0] = [await width(head.nth(0)), await width(head.nth(1))];
      const grip = (await split.boundingBox())!;
      await page.mouse.move(grip.x + grip.width / 2, grip.y + 200);
      await page.mouse.down();
      await page.mouse.move(grip.x + grip.width / 2 + 80, grip.y + 200, { steps: 4 });
      await page.mouse.move(grip.x + grip.width / 2 + 160, grip.y + 200, { steps: 4 });
      await page.mouse.up();
      const [left1, right1] = [await width(head.nth(0)), await width(head.nth(1))];
      expect(left1 - left0).toBeGreaterThanOrEqual(150);
      expect(left1 - left0).toBeLessThanOrEqual(170);
      expect(right0 - right1).toBeGreaterThanOrEqual(150);
      const cellBox = (await page.locator('.panes-scroll .row .cell-original').first().boundingBox())!;
      const headBox = (await head.nth(0).boundingBox())!;
      expect(Math.abs(cellBox.x + cellBox.width - (headBox.x + headBox.width))).toBeLessThanOrEqual(2);
      const dragged = Number(await split.getAttribute('aria-valuenow'));
      expect(dragged).toBeGreaterThan(55);
      await expect(split).toBeFocused();
      await shoot(page, 'review-split-dragged');

      for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
      await expect(split).toHaveAttribute('aria-valuenow', String(dragged - 10));
      expect(await width(head.nth(0))).toBeLessThan(left1 - 50);
      await page.keyboard.press('Home');
      await expect(split).toHaveAttribute('aria-valuenow', '20');
      await page.keyboard.press('Enter');
      await expect(split).toHaveAttribute('aria-valuenow', '50');
      await page.keyboard.press('Shift+ArrowRight');
      await expect(split).toHaveAttribute('aria-valuenow', '60');
      // j still walks the list from the separator.
      const selected = await page.locator('.docrow.selected').getAttribute('data-docid');
      await page.keyboard.press('j');
      await expect.poll(() => page.locator('.docrow.selected').getAttribute('data-docid')).not.toBe(selected);
    });

    await test.step('both are remembered after a reload', async () => {
      await page.reload();
      await page.getByRole('tab', { name: 'Modified' }).click();
      await page.locator('.docrow[data-docid]').first().click();
      await expect(page.getByTestId('docview')).toBeVisible();
      await expect(fold).toHaveText('Show operations');
      await expect(page.locator('.program-rail')).toBeVisible();
      await expect(split).toHaveAttribute('aria-valuenow', '60');
      // o unfolds and folds; the rail unfolds too.
      await page.keyboard.press('o');
      await expect(page.locator('aside.program')).toBeVisible();
      await page.keyboard.press('o');
      await expect(page.locator('.program-rail')).toBeVisible();
      await page.locator('.program-rail-button').click();
      await expect(page.locator('aside.program')).toBeVisible();
      await fold.click();
      await expect(page.locator('.program-rail')).toBeVisible();
      await split.focus();
      await page.keyboard.press('Enter');
      await expect(split).toHaveAttribute('aria-valuenow', '50');
    });

    await test.step('the editor opens the folded panel; Esc closes it and the panel folds again', async () => {
      await page.keyboard.press('e');
      await expect(page.getByTestId('program-editor')).toBeVisible();
      await shoot(page, 'editor-open');
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('program-editor')).toHaveCount(0);
      await expect(page.locator('.program-rail')).toBeVisible();
    });

    await test.step('the list takes the keyboard without an outline around it; the switches stay on one line', async () => {
      await page.getByLabel('apply drop_doc everywhere').focus();
      await page.keyboard.press('Shift+Tab');
      const list = page.getByTestId('doclist');
      await expect(list).toBeFocused();
      expect(await list.evaluate((el) => el.matches(':focus-visible'))).toBe(true);
      expect(await list.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('none');
      // The selected row is ringed instead.
      expect(await page.locator('.docrow.selected').evaluate((el) => getComputedStyle(el).boxShadow)).toContain('inset');
      for (const size of SIZES) {
        await page.setViewportSize(size);
        const tops = await page.locator('.kinds > span, .kinds > label').evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().top)));
        expect(tops.length).toBe(4);
        expect(Math.max(...tops) - Math.min(...tops)).toBeLessThanOrEqual(3);
      }
      await page.setViewportSize(SIZES[0]);
      await shoot(page, 'review-list-focused');
    });

    await test.step('at 1920×1080 the panes are wide with the panel shown too', async () => {
      await fold.click();
      await expect(page.locator('aside.program')).toBeVisible();
      await page.setViewportSize(SIZES[1]);
      for (const w of [await width(head.nth(0)), await width(head.nth(1))]) expect(w).toBeGreaterThanOrEqual(0.2 * 1920);
      await page.setViewportSize(SIZES[0]);
    });

    await test.step("narrower windows (Electron opens at 1360×860, shrinks to 900): the panes keep a readable width; dark theme", async () => {
      await fold.click();
      await expect(page.locator('.program-rail')).toBeVisible();
      for (const size of [
        { width: 1360, height: 860 },
        { width: 1024, height: 700 },
      ]) {
        await page.setViewportSize(size);
        for (const w of [await width(head.nth(0)), await width(head.nth(1))]) expect(w).toBeGreaterThanOrEqual(0.25 * size.width);
        await screenshot(page, `layout-review-folded-${size.width}x${size.height}`);
      }
      await fold.click();
      await expect(page.locator('aside.program')).toBeVisible();
      await screenshot(page, 'layout-review-operations-1024x700');
      await page.setViewportSize(SIZES[0]);
      await page.getByLabel('toggle theme').click();
      await shoot(page, 'review-dark');
      await page.getByLabel('toggle theme').click();
    });

    await test.step('compare, Stats, Models, Export, Problems', async () => {
      await page.getByRole('button', { name: 'Compare programmers' }).click();
      await expect(page.getByTestId('compare-column')).toHaveCount(2);
      await shoot(page, 'compare');
      await page.getByRole('button', { name: 'Compare programmers' }).click();
      await nav('Stats').click();
      await expect(page.getByRole('heading', { name: 'Statistics', exact: true })).toBeVisible();
      await expect(page.getByRole('img', { name: 'token length histogram before and after refining' })).toBeVisible();
      await shoot(page, 'stats');
      await nav('Models').click();
      await expect(page.getByRole('heading', { name: 'Models', exact: true })).toBeVisible();
      await expect(page.getByText('Loading runtime')).toHaveCount(0, { timeout: 60_000 });
      await shoot(page, 'models');
      await nav('Export').click();
      await expect(page.getByRole('heading', { name: 'Export', exact: true })).toBeVisible();
      await shoot(page, 'export');
      await nav('Problems').click();
      await expect(page.getByTestId('problem')).toHaveCount(3);
      await shoot(page, 'problems');
    });
  } finally {
    await shell.kill();
    box.dispose();
  }
});
