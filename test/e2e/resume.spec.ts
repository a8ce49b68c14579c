/**
 * A batch survives the server being killed: SIGKILL the browser shell mid-batch, start it
 * again on the same data folder, and the UI shows the work kept and finishes the rest.
 */
import { expect, test } from '@playwright/test';
import { makeSandbox, needBrowser, screenshot, startShell } from './support';

const COPIES = 40;
const TOTAL = 69 * COPIES;

test('kill the server during a batch, restart it, and resume', async ({ page }) => {
  needBrowser();
  const box = makeSandbox(COPIES);
  let shell = await startShell(box.home, box.corpus);
  const nav = (name: string) => page.locator('nav.sidebar').getByRole('button', { name, exact: true });
  // The document stage's bar: rules refine both stages, each with its own bar.
  const jobBar = page.locator('section[aria-label=job]').getByRole('progressbar', { name: 'Document stage' });
  try {
    await test.step('start a batch and kill the server while it runs', async () => {
      await page.goto(shell.url);
      await expect(page.getByTestId('doclist')).toHaveAttribute('aria-label', `${TOTAL} documents`);
      await nav('Batch').click();
      await page.getByLabel('rule preset').selectOption('fineweb');
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await expect(page.locator('section[aria-label=job] .state-pill')).toHaveText('running');
      // Wait for real progress, then pull the plug mid-batch.
      await expect.poll(async () => Number(await jobBar.getAttribute('aria-valuenow')), { timeout: 120_000, intervals: [50] }).toBeGreaterThanOrEqual(5);
      await screenshot(page, '12-batch-running');
      await shell.kill('SIGKILL');
      await expect(page.getByText('Lost the connection to the Refinery server')).toBeVisible();
      await screenshot(page, '13-server-gone');
    });

    let pendingAfterKill = 0;
    await test.step('restart on the same data folder: refined documents were kept', async () => {
      shell = await startShell(box.home, box.corpus);
      await page.goto(shell.url);
      await nav('Corpus').click();
      await page.getByRole('tab', { name: 'Not refined' }).click();
      const list = page.getByTestId('doclist');
      await expect(list).toBeVisible();
      pendingAfterKill = Number(/^(\d+)/.exec((await list.getAttribute('aria-label')) ?? '')?.[1]);
      expect(pendingAfterKill).toBeGreaterThan(0);
      expect(pendingAfterKill).toBeLessThan(TOTAL);
      await screenshot(page, '14-after-restart');
    });

    await test.step('start again: the batch continues and finishes', async () => {
      await nav('Batch').click();
      // The interrupted batch is offered to continue with its own programmer.
      await expect(page.getByLabel('rule preset')).toHaveValue('fineweb');
      await screenshot(page, '15-interrupted');
      await page.getByRole('button', { name: 'Continue where it stopped' }).click();
      await expect(page.locator('section[aria-label=job] .state-pill')).toHaveText('done', { timeout: 150_000 });
      await screenshot(page, '16-resumed-done');
      await nav('Corpus').click();
      await page.getByRole('tab', { name: 'Not refined' }).click();
      await expect(page.getByText('No documents match')).toBeVisible();
      await page.getByRole('tab', { name: 'All' }).click();
      await expect(page.getByTestId('doclist')).toHaveAttribute('aria-label', `${TOTAL} documents`);
    });
  } finally {
    await shell.kill();
    box.dispose();
  }
});
