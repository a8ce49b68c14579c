/**
 * The Batch screen's Fidelity select with ProX models: a model per stage (scripted GGUFs, so the
 * answers are known: test/support/scripted-llama.ts), reference fidelity chosen, the batch run
 * in the browser shell. The doc answer is stored as the model wrote it (free generation), the
 * job names the reference fidelity, and the workspace reads programs with the reference parser.
 */
import { expect, test } from '@playwright/test';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, needBrowser, screenshot, startShell } from './support';
import { scriptedModelPath } from '../support/scripted-llama';

const FILLER = 'Paragraph about the weather in town and the river near the school.';

test('Batch: a model per stage at reference fidelity stores the free answers', async ({ page }) => {
  needBrowser();
  test.setTimeout(300_000);
  const box = makeSandbox();
  rmSync(join(box.corpus, 'devset.jsonl'));
  const text = ['Home | About | Contact', FILLER, FILLER].join('\n');
  writeFileSync(join(box.corpus, 'pages.jsonl'), JSON.stringify({ id: 'page', text }) + '\n');
  const doc = scriptedModelPath({ text: 'Looks like a fine page to me.', end: 'eos' }).path;
  const chunk = scriptedModelPath({ text: '# the menu line\nremove_lines(start=0, end=0)', end: 'eos' }).path;
  const shell = await startShell(box.home, box.corpus, { REFINERY_LLAMA_THREADS: '1' });
  try {
    await page.goto(shell.url);
    await expect(page.getByTestId('doclist')).toHaveAttribute('aria-label', '1 documents');
    await page.locator('nav.sidebar').getByRole('button', { name: 'Batch', exact: true }).click();
    await expect(page.getByLabel('fidelity')).toHaveCount(0); // the rules have none
    await page.getByRole('radio', { name: 'Model per stage' }).click();
    await page.getByLabel('Document stage: model id, GGUF path, hf: URI or rules[:preset]').fill(doc);
    await page.getByLabel('Chunk stage').fill(chunk);
    await expect(page.getByLabel('fidelity')).toHaveValue('improved');
    await page.getByLabel('fidelity').selectOption('reference');
    await screenshot(page, 'fidelity-01-batch-reference');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect(page.locator('section[aria-label=job] .state-pill')).toHaveText('done', { timeout: 240_000 });
    await expect(page.locator('section[aria-label=job]')).toContainText('reference fidelity');

    const url = new URL(shell.url);
    const reply = await page.request.post(`${url.origin}/api/call/doc.get`, {
      headers: { 'x-refinery-token': url.searchParams.get('token')!, 'content-type': 'application/json' },
      data: { docId: 'page' },
    });
    expect(reply.status()).toBe(200);
    const detail = ((await reply.json()) as { result: { doc: { text: string; programmer: string }; chunk: { text: string }; execution: { refined: string } } }).result;
    expect(detail.doc.text).toBe('Looks like a fine page to me.');
    expect(detail.doc.programmer).toMatch(/reference fidelity/);
    expect(detail.chunk.text).toBe('# the menu line\nremove_lines(start=0, end=0)');
    // Read with the reference parser: prose at the doc stage keeps the page (no `drop` in it).
    expect(detail.execution.refined).toBe(`${FILLER}\n${FILLER}`);
  } finally {
    await shell.kill();
    box.dispose();
  }
});
