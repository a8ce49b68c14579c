/**
 * One-click install of a profile's models (issue 15.12) in the browser shell, against a Hugging
 * Face stand-in on 127.0.0.1 (never the internet) that serves slowly enough to watch: the Batch
 * screen names the missing models by their repositories and offers the install; the Models
 * screen shows each step's progress (bytes, rate, time left), Cancel stops it, Install again
 * finishes; the models land in $REFINERY_HOME/models and the Batch screen can start.
 */
import { expect, test } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeHub, type FakeHub } from '../support/hub-server';
import { writeRandomHfCheckpoint } from '../support/synthetic-checkpoint';
import { writeTinyLlamaGguf } from '../support/tiny-model';
import { tinyVocabulary } from '../support/tiny-vocabulary';
import { makeSandbox, needBrowser, screenshot, startShell } from './support';

test('the Models screen installs prox-web in one click, with progress and Cancel; Batch points there', async ({ page }) => {
  needBrowser();
  const sandbox = makeSandbox();
  const served = join(sandbox.root, 'hub');
  const gguf = join(served, 'web-doc-refining-lm-GGUF');
  const checkpoint = join(served, 'web-chunk-refining-lm');
  mkdirSync(gguf, { recursive: true });
  writeTinyLlamaGguf(join(gguf, 'web-doc-refining-lm.Q8_0.gguf'), { vocab: 'llama2', layers: 2, hidden: 64, heads: 4, kvHeads: 1, ffn: 128, context: 256, seed: 51, type: 'q8_0' });
  const vocab = tinyVocabulary();
  writeRandomHfCheckpoint(checkpoint, {
    hyperparameters: { layers: 1, hidden: 32, heads: 2, kvHeads: 1, ffn: 64, context: 64, vocabSize: vocab.tokens.length, rmsEps: 1e-5, ropeTheta: 10000 },
    vocabulary: vocab,
    seed: 52,
  });
  const size = readFileSync(join(gguf, 'web-doc-refining-lm.Q8_0.gguf')).length;
  // 64 KiB every 120 ms (~0.5 MB/s): the ~2 MB build takes a few seconds, time to watch and cancel.
  const hub: FakeHub = await startFakeHub({ 'QuantFactory/web-doc-refining-lm-GGUF': gguf, 'gair-prox/web-chunk-refining-lm': checkpoint }, { throttleMs: 120 });
  // No REFINERY_MODELS_DIR: the models folder follows REFINERY_HOME.
  const shell = await startShell(sandbox.home, sandbox.corpus, { HF_ENDPOINT: hub.endpoint, REFINERY_ALLOW_HTTP_LOOPBACK: '1', REFINERY_MODELS_DIR: '' });
  const modelsDir = join(sandbox.home, 'models');
  const nav = (name: string) => page.locator('nav.sidebar').getByRole('button', { name, exact: true });
  const card = page.getByTestId('profile-prox-web');
  try {
    await test.step('Batch: the profile names its missing models and offers the install; Start waits for it', async () => {
      await page.goto(shell.url);
      await expect(page.getByTestId('doclist')).toBeVisible();
      await nav('Batch').click();
      await page.getByRole('radio', { name: 'Profile (ProX, UltraX)' }).click();
      await expect(page.getByLabel('profile')).toHaveValue('prox-web');
      const missing = page.getByTestId('profile-missing');
      await expect(missing).toContainText('prox-web needs 2 models that are not installed yet: gair-prox/web-doc-refining-lm, gair-prox/web-chunk-refining-lm.');
      await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeDisabled();
      await expect(page.locator('body')).not.toContainText('<owner>');
      await expect(page.locator('body')).not.toContainText('repo-with-GGUF');
      await screenshot(page, 'install-01-batch-missing');
    });

    await test.step('one click: the Models screen shows the download with bytes, rate and time left', async () => {
      await page.getByRole('button', { name: "Install prox-web's models" }).click();
      await expect(page.getByRole('heading', { name: 'Models', exact: true })).toBeVisible();
      const progress = card.getByTestId('install-progress');
      await expect(progress).toContainText('Step 1 of 2: downloading web-doc-refining-lm.Q8_0.gguf from QuantFactory/web-doc-refining-lm-GGUF');
      // Some bytes in, a rate and a time left measured.
      await expect(progress.getByRole('progressbar')).toHaveAttribute('aria-valuemax', String(size));
      await expect.poll(async () => Number(await progress.getByRole('progressbar').getAttribute('aria-valuenow'))).toBeGreaterThan(size / 5);
      await expect(progress).toContainText(/\d(\.\d)? (KB|MB)\/s/);
      await expect(progress).toContainText(/ETA \d+s/);
      await expect(card.getByRole('button', { name: 'install prox-web' })).toBeDisabled();
      await screenshot(page, 'install-02-progress');
    });

    await test.step('Cancel stops it; nothing half-downloaded is taken for a model', async () => {
      await card.getByRole('button', { name: 'Cancel' }).click();
      await expect(card.getByTestId('install-cancelled')).toBeVisible();
      await expect(card).toContainText('not installed');
      expect(existsSync(join(modelsDir, 'web-doc-refining-lm.Q8_0.gguf'))).toBe(false);
      await screenshot(page, 'install-03-cancelled');
    });

    await test.step('Install again finishes both steps: the GGUF build and the converted checkpoint, in $REFINERY_HOME/models', async () => {
      await card.getByRole('button', { name: 'install prox-web' }).click();
      await expect(card.getByTestId('install-done')).toContainText('installed web-doc-refining-lm.Q8_0, web-chunk-refining-lm.Q8_0', { timeout: 60_000 });
      await expect(card.locator('.badge')).toHaveText('installed');
      await expect(card).toContainText('✓ web-doc-refining-lm.Q8_0.gguf');
      await expect(card).toContainText('✓ web-chunk-refining-lm.Q8_0.gguf');
      await expect(page.getByLabel('profiles')).toContainText(modelsDir);
      expect(readFileSync(join(modelsDir, 'web-doc-refining-lm.Q8_0.gguf')).equals(readFileSync(join(gguf, 'web-doc-refining-lm.Q8_0.gguf')))).toBe(true);
      expect(existsSync(join(modelsDir, 'web-chunk-refining-lm.Q8_0.gguf'))).toBe(true);
      // The installed list has both, and UltraX's card says its licence keeps it off any redistribution.
      const installed = page.locator('table.grid').last();
      await expect(installed.locator(`td[title="${join(modelsDir, 'web-doc-refining-lm.Q8_0.gguf')}"]`)).toHaveCount(1);
      await expect(installed.locator(`td[title="${join(modelsDir, 'web-chunk-refining-lm.Q8_0.gguf')}"]`)).toHaveCount(1);
      await expect(page.getByTestId('profile-ultrax')).toContainText('openbmb/UltraX-0.6B-Preview');
      await expect(page.getByTestId('profile-ultrax')).toContainText("UltraX's licence forbids redistributing it");
      await screenshot(page, 'install-04-installed');
      await page.setViewportSize({ width: 1920, height: 1080 });
      await screenshot(page, 'install-05-installed-1920');
      await page.setViewportSize({ width: 1440, height: 900 });
    });

    await test.step('Batch: the profile is ready and Start is enabled', async () => {
      await nav('Batch').click();
      await page.getByRole('radio', { name: 'Profile (ProX, UltraX)' }).click();
      await expect(page.getByTestId('profile-missing')).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeEnabled();
      // Reference fidelity runs the 16-bit weights: the Q8_0 builds do not count for it.
      await page.getByLabel('fidelity').selectOption('reference');
      await expect(page.getByTestId('profile-missing')).toContainText('prox-web needs 2 models that are not installed yet as 16-bit builds');
      await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeDisabled();
    });
  } finally {
    await shell.kill();
    await hub.close();
    sandbox.dispose();
  }
});
