/**
 * Bad input is recorded with file and line, counted, and shown: a folder with a broken JSON
 * line, a record without text and a non-UTF-8 file lists each in the Problems view; a clean
 * folder shows the empty state.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, needBrowser, screenshot, startShell } from './support';

test('the Problems view lists unreadable input with file and line', async ({ page }) => {
  needBrowser();
  const box = makeSandbox();
  const clean = join(box.root, 'clean');
  mkdirSync(clean);
  writeFileSync(join(clean, 'one.jsonl'), JSON.stringify({ id: 'ok', text: 'A clean document.\nWith two lines.' }) + '\n');
  // Next to the devset: a broken JSON line (2) and a record without text (3), then a Latin-1 file.
  writeFileSync(join(box.corpus, 'bad.jsonl'), [JSON.stringify({ id: 'fine', text: 'fine text' }), '{"id": "broken", "text": oops', JSON.stringify({ id: 'notext', body: 'x' })].join('\n') + '\n');
  writeFileSync(join(box.corpus, 'latin1.txt'), Buffer.from('caf\xe9 au lait\nsecond line\n', 'latin1'));

  const shell = await startShell(box.home);
  const nav = (name: string) => page.locator('nav.sidebar').getByRole('button', { name, exact: true });
  const open = async (folder: string) => {
    await page.getByLabel('folder path').fill(folder);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByTestId('doclist')).toBeVisible();
  };
  try {
    await test.step('a clean folder has no problems', async () => {
      await page.goto(shell.url);
      await open(clean);
      await expect(page.locator('.ws')).not.toContainText('scan errors');
      await nav('Problems').click();
      await expect(page.getByRole('status')).toContainText('No problems');
      await expect(page.getByTestId('problem')).toHaveCount(0);
      await screenshot(page, '16-problems-empty');
    });

    await test.step('the sidebar count opens the list of problems with file and line', async () => {
      await page.locator('nav.sidebar').getByRole('button', { name: 'Open another folder…' }).click();
      await open(box.corpus);
      const count = page.locator('.ws').getByRole('button', { name: '3 scan errors' });
      await expect(count).toBeVisible();
      await count.click();
      await expect(nav('Problems')).toHaveAttribute('aria-current', 'page');
      await expect(page.getByTestId('problem-list')).toHaveAttribute('aria-label', '3 problems');
      const rows = page.getByTestId('problem');
      await expect(rows).toHaveCount(3);
      const broken = rows.filter({ has: page.locator('.problem-where', { hasText: /^bad\.jsonl:2$/ }) });
      await expect(broken).toHaveCount(1);
      await expect(broken.locator('.problem-message')).toContainText('not valid JSON');
      const noText = rows.filter({ has: page.locator('.problem-where', { hasText: /^bad\.jsonl:3$/ }) });
      await expect(noText.locator('.problem-field')).toHaveText('text');
      await expect(noText.locator('.problem-message')).toContainText('no "text" field');
      const latin1 = rows.filter({ has: page.locator('.problem-where', { hasText: /^latin1\.txt(:\d+)?$/ }) });
      await expect(latin1.locator('.problem-message')).toContainText('not valid UTF-8');
      await screenshot(page, '17-problems');
      // The good documents of both files were still indexed.
      await nav('Corpus').click();
      await expect(page.getByTestId('doclist')).toHaveAttribute('aria-label', '70 documents');
      await nav('Problems').click();
      await page.getByLabel('toggle theme').click();
      await expect(page.getByTestId('problem')).toHaveCount(3);
      await screenshot(page, '18-problems-dark');
    });
  } finally {
    await shell.kill();
    box.dispose();
  }
});
