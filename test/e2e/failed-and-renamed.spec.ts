/**
 * Issue 16 leftovers in the app. (1) Documents renamed for a duplicate input id are said in
 * the sidebar and on the Problems screen (the count, the first one, a way to open it). (2) A
 * document whose model process crashed: the Batch screen's retry choice (off: it stays failed;
 * on: it is asked again) and the Export screen's choice for failed documents (written marked
 * metadata.failed, or held back), each with its explanation. The crash is injected into the
 * real model worker of `serve` (test/support/abort-on-marker.mjs), with a real tiny GGUF model.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tinyRefinerPath } from '../integration/models/tiny-models';
import { makeSandbox, needBrowser, REPO_ROOT, screenshot, startShell, type Shell } from './support';

const MARKER = 'please-crash-the-model-worker';

const nav = (page: Page, name: string) => page.locator('nav.sidebar').getByRole('button', { name, exact: true });

async function openFolder(page: Page, folder: string): Promise<void> {
  await page.getByLabel('folder path').fill(folder);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('doclist')).toBeVisible();
}

test('duplicate ids are shown in the sidebar and on the Problems screen, naming the first and the count', async ({ page }) => {
  needBrowser();
  const box = makeSandbox();
  const line = (id: string, text: string) => JSON.stringify({ id, text });
  writeFileSync(join(box.corpus, 'dup.jsonl'), [line('dup', 'The first document with this id.'), line('dup', 'The second document with this id.\nIt has two lines.'), line('dup', 'A third one.')].join('\n') + '\n');
  const shell = await startShell(box.home);
  try {
    await page.goto(shell.url);
    await openFolder(page, box.corpus);
    const count = page.locator('.ws').getByRole('button', { name: '2 duplicate ids' });
    await expect(count).toBeVisible();
    await count.click();
    await expect(nav(page, 'Problems')).toHaveAttribute('aria-current', 'page');
    const note = page.getByTestId('renamed-ids');
    await expect(note).toContainText('2 documents have an id another document already has (the first: "dup" in dup.jsonl:2); they were given ids from their file and line, and export keeps the input\'s id in metadata.input.id');
    // Not an unreadable input: the list of those stays empty.
    await expect(page.getByRole('status')).toContainText('No problems');
    await screenshot(page, 'relui-problems-duplicate-ids');
    await note.getByRole('button', { name: 'Show the first' }).click();
    await expect(nav(page, 'Corpus')).toHaveAttribute('aria-current', 'page');
    await expect(page.locator('.docview-sub')).toContainText('dup.jsonl:2 · dup.jsonl:2');
    await expect(page.getByTestId('docview')).toContainText('The second document with this id.');
  } finally {
    await shell.kill();
    box.dispose();
  }
});

test('a crashed document: the batch retry choice and the export choice for failed documents', async ({ page }) => {
  needBrowser();
  test.setTimeout(420_000);
  const box = makeSandbox();
  // Only the small corpus below: the devset would make each model batch slow.
  rmSync(join(box.corpus, 'devset.jsonl'));
  const docs = Array.from({ length: 4 }, (_, i) => ({ id: `doc-${i}`, text: `Home | News | About ${i}\nArticle ${i}: the river rose ${i + 2} metres overnight.\nResidents were moved to the school hall.` }));
  docs[2] = { id: 'poison', text: `Home | News\nA page that ${MARKER} when the model reads it.\nFooter` };
  writeFileSync(join(box.corpus, 'docs.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  const model = tinyRefinerPath();
  const preload = pathToFileURL(join(REPO_ROOT, 'test', 'support', 'abort-on-marker.mjs')).href;
  const crashing = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${preload}`.trim(), REFINERY_TEST_CRASH_MARKER: MARKER };

  const errorsCard = page.locator('section[aria-label="errors"]');
  const jobCard = page.locator('section[aria-label="job"]');
  const runBatch = async (retry: boolean) => {
    await nav(page, 'Batch').click();
    await page.getByRole('radio', { name: 'Model per stage' }).click();
    await page.getByLabel('Document stage: model id, GGUF path, hf: URI or rules[:preset]').fill(model);
    await page.getByLabel('stages').selectOption('doc');
    const retryBox = page.getByRole('checkbox', { name: 'Retry documents whose programmer failed in an earlier batch' });
    await expect(retryBox).toBeChecked();
    await retryBox.setChecked(retry);
    await expect(page.getByTestId('retry-help')).toContainText(retry ? 'Their programmer is asked again' : 'They are left as they are: still failed');
    // Wait for this batch's answer: the pill may still say "done" from the last one.
    const started = page.waitForResponse((r) => r.url().includes('/api/call/refine.start'));
    await page.getByRole('button', { name: /^Start/ }).click();
    expect((await started).ok()).toBe(true);
    await expect(jobCard.locator('.state-pill')).toHaveText('done', { timeout: 240_000 });
    // The sidebar says the same: a batch that ended before its start was answered is not shown running.
    await expect(page.getByRole('button', { name: 'batch status' }).locator('.state-pill')).toHaveText('done');
  };
  const exportAs = async (choice: 'include' | 'hold', name: string) => {
    await nav(page, 'Export').click();
    const out = join(box.root, name);
    await page.getByLabel('export path').fill(out);
    await page.getByRole('radio', { name: choice === 'hold' ? 'Hold them back' : 'Include them, marked as failed' }).check();
    await expect(page.getByTestId('failed-help')).toContainText(choice === 'hold' ? 'They are left out of the file' : 'metadata.failed naming every failed stage');
    await page.getByRole('main').getByRole('button', { name: 'Export', exact: true }).click();
    await expect(page.getByTestId('export-result')).toBeVisible({ timeout: 60_000 });
    return readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; metadata: { failed?: Record<string, string> } });
  };

  let shell: Shell = await startShell(box.home, undefined, crashing);
  try {
    await test.step('the model process crashes on one document: it is listed failed', async () => {
      await page.goto(shell.url);
      await openFolder(page, box.corpus);
      await runBatch(true);
      await expect(errorsCard.locator('li')).toHaveCount(1);
      await expect(errorsCard.locator('li')).toContainText('poison');
      await expect(errorsCard.locator('li')).toContainText('the model process crashed');
    });

    // The same server without the crash: what happens now is the retry choice alone.
    await shell.kill();
    shell = await startShell(box.home);
    await page.goto(shell.url);
    await openFolder(page, box.corpus);

    await test.step('retry switched off: the failed document is left failed', async () => {
      await runBatch(false);
      await expect(errorsCard.locator('li')).toHaveCount(1);
      await expect(errorsCard.locator('li')).toContainText('poison');
      await screenshot(page, 'relui-batch-no-retry');
    });

    await test.step('export: include marks it metadata.failed, hold leaves it out; each says so', async () => {
      const included = await exportAs('include', 'included.jsonl');
      const poison = included.find((r) => r.id === 'poison');
      expect(poison?.metadata.failed?.doc).toMatch(/the model process crashed/);
      await expect(page.getByTestId('export-failed')).toHaveText('1 document whose programmer failed is in the file, marked with metadata.failed. Run a batch again to retry it.');
      await expect(page.getByText('The last batch left 1 failed program.')).toBeVisible();
      const held = await exportAs('hold', 'held.jsonl');
      expect(held.map((r) => r.id)).not.toContain('poison');
      expect(held.length).toBe(included.length - 1);
      await expect(page.getByTestId('export-failed')).toHaveText('Held back 1 document whose programmer failed: it is not in the file. Run a batch again to retry it.');
      await screenshot(page, 'relui-export-hold');
    });

    await test.step('retry on: the document is asked again and refined', async () => {
      await runBatch(true);
      await expect(errorsCard.getByRole('status')).toContainText('No errors');
      const after = await exportAs('include', 'after.jsonl');
      expect(after.some((r) => r.metadata.failed)).toBe(false);
      await expect(page.getByTestId('export-failed')).toHaveCount(0);
    });
  } finally {
    await shell.kill();
    box.dispose();
  }
});
