/**
 * The UltraX review panel in the browser shell: an UltraX program saved by hand
 * (doc.saveProgram with stage `ultrax`: remove_lines, replace_str and add_line) is listed call
 * by call with a checkbox each; its replacements are marked in place, the line add_line
 * inserted is a row of its own between the original lines, hovering a call highlights what it
 * did, and switching a call off changes the refined text (and back).
 */
import { expect, test, type Page } from '@playwright/test';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, needBrowser, screenshot, startShell } from './support';

const NEWS = ['Home | News | Sport', 'The bridge reopened on Monday after repairs.', 'Traffic is back to normal.', 'Share this story'].join('\n');
const PROGRAM = ['remove_lines(1, 1)', "replace_str(2, 'Monday', 'Tuesday')", "add_line(2, 1, 'Updated at noon.')", 'remove_lines(4, 4)'].join('\n');

/** The refined pane as shown, row by row (kept and inserted rows; removed rows are gaps). */
async function refinedRows(page: Page): Promise<string[]> {
  return page.locator('[data-testid=panes] .row:not(.row-removed) .cell-refined').allInnerTexts();
}

test('review an UltraX program: calls with checkboxes, highlights, inserted line in place, toggles', async ({ page }) => {
  needBrowser();
  const box = makeSandbox();
  // A corpus of its own: the news page and one more, so the list has something else to show.
  rmSync(join(box.corpus, 'devset.jsonl'));
  writeFileSync(join(box.corpus, 'news.jsonl'), [{ id: 'news', text: NEWS }, { id: 'other', text: 'Another page\nwith two lines' }].map((d) => JSON.stringify(d)).join('\n') + '\n');
  const shell = await startShell(box.home);
  try {
    await page.goto(shell.url);
    await page.getByLabel('folder path').fill(box.corpus);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByTestId('doclist')).toHaveAttribute('aria-label', '2 documents');

    await test.step('save an UltraX program by hand through the API', async () => {
      const url = new URL(shell.url);
      const reply = await page.request.post(`${url.origin}/api/call/doc.saveProgram`, {
        headers: { 'x-refinery-token': url.searchParams.get('token')!, 'content-type': 'application/json' },
        data: { docId: 'news', stage: 'ultrax', text: PROGRAM },
      });
      expect(reply.status()).toBe(200);
      const body = (await reply.json()) as { ok: boolean; result: { execution: { refined: string } } };
      expect(body.result.execution.refined).toBe('The bridge reopened on Tuesday after repairs.\nUpdated at noon.\nTraffic is back to normal.');
    });

    const ops = page.locator('.program-stage').filter({ has: page.getByRole('heading', { name: 'UltraX program' }) }).locator('li.op');
    await test.step('the calls are listed with a checkbox each and what they did', async () => {
      await page.locator('.docrow[data-docid="news"]').click();
      await expect(page.getByTestId('docview')).toBeVisible();
      await expect(ops).toHaveCount(4);
      await expect(ops.locator('input[type=checkbox]:checked')).toHaveCount(4);
      await expect(ops.nth(0)).toHaveClass(/op-remove_lines/);
      await expect(ops.nth(1)).toHaveClass(/op-replace_str/);
      await expect(ops.nth(1)).toContainText('1 line changed');
      await expect(ops.nth(2)).toHaveClass(/op-add_line/);
      await expect(ops.nth(2)).toContainText('1 line added');
      await expect(ops.nth(3)).toContainText('1 line');
    });

    const panes = page.getByTestId('panes');
    const added = panes.getByTestId('added-line');
    await test.step('the inserted line is a row between the original lines; replacements are marked in place', async () => {
      expect(await refinedRows(page)).toEqual(['The bridge reopened on Tuesday after repairs.', 'Updated at noon.', 'Traffic is back to normal.']);
      await expect(added).toHaveCount(1);
      await expect(added).toHaveText(/Updated at noon\./);
      // Between original line 1 (the bridge) and line 2 (traffic): rows 0 1 + 2 3.
      await expect(added).toHaveAttribute('data-index', '2');
      await expect(panes.locator('.row[data-index="1"] .cell-original')).toHaveText('The bridge reopened on Monday after repairs.');
      await expect(panes.locator('.row[data-index="3"] .cell-original')).toHaveText('Traffic is back to normal.');
      await expect(added.locator('.cell-original')).toHaveText('');
      await expect(added.locator('.ln-added')).toHaveText('+');
      await expect(added.locator('.cell-refined')).toHaveAttribute('title', /inserted after line 1 by operation 3: add_line\(2, 1, 'Updated at noon\.'\)/);
      // replace_str: "Mon" struck out on the original side, "Tues" marked on the refined side.
      await expect(panes.locator('.row[data-index="1"] mark.span-from')).toHaveText('Mon');
      await expect(panes.locator('.row[data-index="1"] mark.span-to')).toHaveText('Tues');
      await expect(panes.locator('.row-removed')).toHaveCount(2);
    });

    await test.step('hovering a call highlights what it did', async () => {
      await ops.nth(2).hover();
      await expect(added).toHaveClass(/row-hover/);
      await expect(panes.locator('.row-hover')).toHaveCount(1);
      await screenshot(page, 'ultrax-01-review-add-line-hovered');
      await page.setViewportSize({ width: 1920, height: 1080 });
      await ops.nth(1).hover();
      await expect(panes.locator('.row[data-index="1"]')).toHaveClass(/row-hover/);
      await expect(added).not.toHaveClass(/row-hover/);
      await screenshot(page, 'ultrax-02-review-replace-hovered-1920');
      await page.setViewportSize({ width: 1440, height: 900 });
      await ops.nth(0).hover();
      await expect(panes.locator('.row[data-index="0"]')).toHaveClass(/row-hover/);
      await expect(panes.locator('.row[data-index="0"]')).toHaveClass(/row-removed/);
    });

    await test.step('switching a call off changes the refined text, and back on restores it', async () => {
      await ops.nth(1).getByRole('checkbox').click();
      await expect(ops.nth(1)).toHaveClass(/op-off/);
      await expect.poll(() => refinedRows(page)).toEqual(['The bridge reopened on Monday after repairs.', 'Updated at noon.', 'Traffic is back to normal.']);
      await expect(panes.locator('mark.span-from')).toHaveCount(0);

      await ops.nth(2).getByRole('checkbox').click();
      await expect(ops.nth(2)).toHaveClass(/op-off/);
      await expect(added).toHaveCount(0);
      await expect.poll(() => refinedRows(page)).toEqual(['The bridge reopened on Monday after repairs.', 'Traffic is back to normal.']);
      await screenshot(page, 'ultrax-03-review-calls-off');

      // Keys work after the clicks: 2 and 3 switch the two calls back on.
      await page.keyboard.press('2');
      await page.keyboard.press('3');
      await expect(ops.locator('input[type=checkbox]:checked')).toHaveCount(4);
      await expect.poll(() => refinedRows(page)).toEqual(['The bridge reopened on Tuesday after repairs.', 'Updated at noon.', 'Traffic is back to normal.']);
      await expect(added).toHaveAttribute('data-index', '2');
    });
  } finally {
    await shell.kill();
    box.dispose();
  }
});
