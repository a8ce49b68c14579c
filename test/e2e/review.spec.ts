/**
 * The main user journey in the browser shell, against the real handlers and the real rule
 * programmer: open a fixture folder, refine with rules, find a document, switch an operation
 * off and see the refined text change, export and check the file, visit every screen.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, needBrowser, screenshot, startShell } from './support';

test('open a folder, refine with rules, review, toggle an operation, export', async ({ page }) => {
  needBrowser();
  const box = makeSandbox();
  const shell = await startShell(box.home);
  const nav = (name: string) => page.locator('nav.sidebar').getByRole('button', { name, exact: true });
  try {
    await test.step('open the fixture folder from the welcome screen', async () => {
      await page.goto(shell.url);
      await expect(page.getByRole('heading', { name: 'Refinery' })).toBeVisible();
      await expect(page.getByText('None yet. Opened folders appear here.')).toBeVisible();
      await screenshot(page, '01-welcome');
      await page.getByLabel('folder path').fill(join(box.root, 'no-such-folder'));
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await expect(page.getByRole('alert')).toBeVisible();
      await screenshot(page, '02-welcome-error');
      await page.getByLabel('folder path').fill(box.corpus);
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await expect(page.getByTestId('doclist')).toHaveAttribute('aria-label', '69 documents');
      await expect(page.locator('.docrow .badge-pending').first()).toBeVisible();
      await screenshot(page, '03-corpus-not-refined');
    });

    await test.step('refine with the rule programmer', async () => {
      await nav('Batch').click();
      await expect(page.getByText('No batch has run in this workspace yet.')).toBeVisible();
      await page.getByLabel('rule preset').selectOption('fineweb+prox-lines');
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await expect(page.locator('section[aria-label=job] .state-pill')).toHaveText('done', { timeout: 150_000 });
      await expect(page.locator('section[aria-label=job]')).toContainText('69 / 69');
      await screenshot(page, '04-batch-done');
    });

    let title = '';
    let docId = '';
    let restoredLine = '';
    await test.step('find a modified document by searching its text', async () => {
      await nav('Corpus').click();
      await page.getByRole('tab', { name: 'Modified' }).click();
      const first = page.locator('.docrow[data-docid]').first();
      await expect(first).toBeVisible();
      title = (await first.locator('.docrow-title').getAttribute('title')) ?? '';
      await page.getByRole('tab', { name: 'All' }).click();
      // Search for a distinctive word of its title (full-text search over the text).
      const word = title.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 5).sort((a, b) => b.length - a.length)[0] ?? title.split(/\s+/)[0]!;
      await page.getByLabel('search documents').fill(word);
      const hit = page.locator('.docrow[data-docid]').filter({ has: page.locator(`.docrow-title[title="${title.replace(/"/g, '\\"')}"]`) });
      await expect(hit.first()).toBeVisible();
      await hit.first().click();
      await expect(page.getByTestId('docview')).toBeVisible();
      await expect(page.locator('.docview-title h2')).toHaveText(title);
      docId = (await page.locator('.docrow.selected').getAttribute('data-docid')) ?? '';
      expect(docId).not.toBe('');
      await screenshot(page, '05-document');
    });

    await test.step('switch a remove_lines operation off and see the refined text change', async () => {
      const op = page.locator('.op-remove_lines').first();
      await expect(op).toBeVisible();
      const removedRow = page.locator('[data-testid=panes] .row-removed').first();
      await expect(removedRow).toBeVisible();
      const index = await removedRow.getAttribute('data-index');
      const lineText = ((await removedRow.locator('.cell-original').textContent()) ?? '').trim();
      const refinedCell = page.locator(`[data-testid=panes] .row[data-index="${index}"] .cell-refined`);
      await expect(refinedCell).toHaveText('');
      // Switch off the operation that removed this very line.
      const by = (await removedRow.locator('.cell-original').getAttribute('title')) ?? '';
      // The hover names the operation as the program panel numbers it (its key), its call and its reason.
      const opNumber = /^removed by operation (\d+): remove_lines\(/.exec(by)?.[1];
      expect(opNumber, `removed line ${index} names its operation: ${by}`).toBeDefined();
      await page.locator(`.op input[type=checkbox][aria-label^="operation ${opNumber}:"]`).uncheck();
      await expect(refinedCell).toContainText(lineText.slice(0, 40));
      restoredLine = lineText;
      await expect(page.locator('.op-off').first()).toBeVisible();
      await screenshot(page, '06-operation-off');
    });

    await test.step('edit the program by hand: every keystroke re-executes, discard restores', async () => {
      await page.getByRole('button', { name: 'Edit program' }).click();
      const editor = page.getByLabel('chunk program');
      await expect(editor).toBeVisible();
      // A kept, non-empty line on screen, removed by a hand-written operation.
      const keptRow = page.locator('[data-testid=panes] .row').filter({ has: page.locator('[data-testid=refined-line]') }).filter({ hasText: /\w{3}/ }).first();
      const index = await keptRow.getAttribute('data-index');
      const firstRefined = page.locator(`[data-testid=panes] .row[data-index="${index}"] .cell-refined`);
      const before = (await firstRefined.textContent()) ?? '';
      expect(before.length).toBeGreaterThan(0);
      await editor.press('Control+End');
      await editor.pressSequentially(`\nremove_lines(start=${index}, end=${index})`);
      await expect(firstRefined).toHaveText('');
      await screenshot(page, '06b-editing');
      await page.getByRole('button', { name: 'Discard' }).click();
      await expect(firstRefined).toHaveText(before);
    });

    await test.step('walk the list with j / k', async () => {
      await page.getByLabel('search documents').fill('');
      await expect(page.getByTestId('doclist')).toHaveAttribute('aria-label', '69 documents');
      await page.locator('.docview-head').click();
      await page.keyboard.press('j');
      await expect(page.locator('.docrow.selected')).not.toHaveAttribute('data-docid', docId);
      await page.keyboard.press('k');
      await expect(page.locator('.docrow.selected')).toHaveAttribute('data-docid', docId);
    });

    await test.step('switch drop_doc off everywhere: the dropped list empties of doc-stage drops, then comes back', async () => {
      await page.getByRole('tab', { name: 'Dropped' }).click();
      const label = await page.getByTestId('doclist').getAttribute('aria-label');
      const dropped = Number(/^(\d+)/.exec(label ?? '')?.[1]);
      expect(dropped).toBeGreaterThan(0);
      const everywhere = page.getByLabel('apply drop_doc everywhere');
      // A controlled checkbox: it changes when the server has stored the switch.
      await everywhere.click();
      await expect(everywhere).not.toBeChecked();
      // The statuses follow in a background pass; the list refreshes when it ends.
      const shown = async () => Number(/^(\d+)/.exec((await page.getByTestId('doclist').getAttribute('aria-label', { timeout: 500 }).catch(() => null)) ?? '0')?.[1]);
      await expect.poll(shown, { timeout: 20_000 }).toBeLessThan(dropped);
      await screenshot(page, '06c-drop-doc-off');
      await everywhere.click();
      await expect(everywhere).toBeChecked();
      await expect(page.getByTestId('doclist')).toHaveAttribute('aria-label', `${dropped} documents`);
      await page.getByRole('tab', { name: 'All' }).click();
    });

    await test.step('export, with the switched-off operation in force', async () => {
      await nav('Export').click();
      const out = join(box.root, 'refined.jsonl');
      await page.getByLabel('export path').fill(out);
      await page.getByRole('main').getByRole('button', { name: 'Export', exact: true }).click();
      await expect(page.getByTestId('export-result')).toContainText('refined.jsonl');
      await screenshot(page, '07-export-done');
      await expect(page.getByText('Lost the connection')).toHaveCount(0);
      const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
      const docs = lines.map((l) => JSON.parse(l) as { id: string; text: string });
      expect(docs.length).toBeGreaterThan(0);
      expect(docs.length).toBeLessThan(69);
      await expect(page.getByTestId('export-result')).toContainText(`Wrote ${docs.length} documents`);
      for (const doc of docs) {
        expect(typeof doc.id).toBe('string');
        expect(doc.text.length).toBeGreaterThan(0);
      }
      // The reviewed document is exported with the line whose removal was switched off.
      const reviewed = docs.find((d) => d.id === docId);
      expect(reviewed, `document ${docId} in the export`).toBeDefined();
      expect(reviewed!.text).toContain(restoredLine);
    });

    await test.step('statistics, models and the dark theme', async () => {
      await nav('Stats').click();
      // The corpus metric, not the per-programmer table's column of the same name.
      await expect(page.locator('.metric-label', { hasText: 'Documents kept' })).toBeVisible();
      await expect(page.locator('.histogram svg')).toBeVisible();
      await screenshot(page, '08-stats');
      await nav('Models').click();
      await expect(page.getByRole('heading', { name: 'Models', exact: true })).toBeVisible();
      await expect(page.locator('.page')).toContainText(/Backend|model runtime|Runtime/);
      await screenshot(page, '09-models');
      await page.getByLabel('toggle theme').click();
      await nav('Corpus').click();
      await page.locator('.docrow[data-docid]').first().click();
      await expect(page.getByTestId('docview')).toBeVisible();
      await screenshot(page, '10-document-dark');
      await nav('Batch').click();
      await screenshot(page, '11-batch-dark');
    });
  } finally {
    await shell.kill();
    box.dispose();
  }
});
