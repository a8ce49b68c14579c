/**
 * The program editor and the export, in the browser against the real handlers and the rule
 * programmer: reasons stay on their operations after an inserted line, a syntax error is shown
 * with its text and is saved only when the user insists, the document view names the error,
 * "Revert to the programmer's output" brings the rules' program back, Esc closes the editor;
 * an export to `.jsonl.gz` chosen in the UI is a gzip file `gzip -t` accepts, its audit files
 * carry the rules' reasons, and the input's own fields come back in it.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { makeSandbox, needBrowser, screenshot, startShell } from './support';

const readGzJsonl = <T>(path: string): T[] =>
  gunzipSync(readFileSync(path))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

test('editor: reasons follow their operations, errors are named and saved only on request, revert, Esc; export .gz with audits and input fields', async ({ page }) => {
  needBrowser();
  const box = makeSandbox();
  // The input's own fields: the devset has source and domain; add a url and a nested field.
  const corpusFile = join(box.corpus, 'devset.jsonl');
  const records = readFileSync(corpusFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l, i) => ({ ...(JSON.parse(l) as { id: string; source: string; domain: string }), url: `https://example.org/p/${i}`, crawl: { dump: 'CC-MAIN-2024-10', i } }));
  writeFileSync(corpusFile, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const shell = await startShell(box.home, box.corpus);
  const nav = (name: string) => page.locator('nav.sidebar').getByRole('button', { name, exact: true });
  try {
    await page.goto(shell.url);
    await expect(page.getByTestId('doclist')).toHaveAttribute('aria-label', `${records.length} documents`);

    let headline = { kept: 0, dropped: 0 };
    await test.step('refine with the rules, one threshold changed in the UI; the headline says what the corpus became', async () => {
      await nav('Batch').click();
      await page.getByLabel('rule preset').selectOption('fineweb+prox-lines');
      await page.locator('details.rule-list summary').click();
      await page.getByLabel('gopher.min_doc_words value').fill('40');
      await expect(page.getByTestId('rule-spec')).toHaveText('--programmer rules:fineweb+prox-lines,gopher.min_doc_words=40');
      await expect(page.locator('summary').filter({ hasText: 'changed: gopher.min_doc_words=40' })).toBeVisible();
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await expect(page.locator('section[aria-label=job] .state-pill')).toHaveText('done', { timeout: 150_000 });
      await expect(page.locator('section[aria-label=job]')).toContainText('Rules (fineweb+prox-lines,gopher.min_doc_words=40)');
      const text = (await page.getByTestId('job-headline').textContent()) ?? '';
      const match = /^(\d+) documents in \d+s: (\d+) kept \((\d+) of them changed\), (\d+) dropped$/.exec(text);
      expect(match, text).not.toBeNull();
      expect(Number(match![1])).toBe(records.length);
      headline = { kept: Number(match![2]), dropped: Number(match![4]) };
      expect(headline.kept + headline.dropped).toBe(records.length);
      await expect(page.getByTestId('jobmini-outcome')).toHaveText(`${headline.kept} kept · ${headline.dropped} dropped`);
      await screenshot(page, 'batch-01-done-headline');
    });

    await test.step('an inserted line leaves every reason on its operation', async () => {
      await nav('Corpus').click();
      await page.getByRole('tab', { name: 'Modified' }).click();
      await page.locator('.docrow[data-docid]').first().click();
      await expect(page.getByTestId('docview')).toBeVisible();
      const ops = page.locator('.op[data-stage=chunk]');
      await expect(ops.first()).toBeVisible();
      const before = await ops.evaluateAll((els) => els.map((el) => ({ line: Number(el.getAttribute('data-line')), source: el.querySelector('.op-source')?.textContent ?? '', reason: el.querySelector('.op-reason')?.textContent ?? null })));
      expect(before.some((o) => o.reason)).toBe(true);
      await page.getByRole('button', { name: 'Edit program' }).click();
      const editor = page.getByLabel('chunk program');
      await editor.press('Control+Home');
      await editor.pressSequentially('remove_lines(line_start=0, line_end=0)\n');
      for (const op of before) {
        const moved = page.locator(`.op[data-stage=chunk][data-line="${op.line + 1}"]`);
        await expect(moved.locator('.op-source')).toHaveText(op.source);
        if (op.reason) await expect(moved.locator('.op-reason')).toHaveText(op.reason);
      }
      await expect(page.locator('.op[data-stage=chunk][data-line="0"] .op-reason')).toHaveCount(0);
      await screenshot(page, 'editor-01-inserted-line');
    });

    await test.step('a syntax error is listed with its text; save refuses until "Save anyway"', async () => {
      const editor = page.getByLabel('chunk program');
      await editor.press('Control+End');
      await editor.pressSequentially('\nremove_lines(line_start=3, line_end=');
      const errors = page.getByTestId('program-editor').getByTestId('program-errors');
      await expect(errors).toContainText('1 error in the draft');
      await expect(errors).toContainText(/chunk program, line \d+, column \d+: \S+/);
      await page.getByRole('button', { name: 'Save program' }).click();
      await expect(page.getByRole('alert').filter({ hasText: 'Not saved' })).toBeVisible();
      await expect(page.getByText('Program saved')).toHaveCount(0);
      await screenshot(page, 'editor-02-save-refused');
      await page.getByRole('button', { name: 'Save anyway' }).click();
      await expect(page.getByText(/Program saved with 1 error: chunk program, line \d+/)).toBeVisible();
      await expect(page.getByTestId('program-editor')).toHaveCount(0);
      // The document view names the error, in the panes' header and with the program.
      await expect(page.locator('.panes-head .badge-error')).toContainText(/program error, line \d+/);
      await expect(page.getByTestId('program-errors')).toContainText(/Program errors \(1\).*chunk program, line \d+, column \d+: \S+/s);
      await expect(page.locator('.program-by').last()).toHaveText('edited by hand');
      await screenshot(page, 'editor-03-saved-with-error');
    });

    await test.step('revert to the programmer’s output', async () => {
      await page.getByRole('button', { name: "Revert to the programmer's output" }).click();
      await expect(page.getByText("Reverted to the programmer's output")).toBeVisible();
      await expect(page.getByTestId('program-errors')).toHaveCount(0);
      await expect(page.locator('.program-by').last()).not.toHaveText('edited by hand');
      await expect(page.getByRole('button', { name: "Revert to the programmer's output" })).toHaveCount(0);
      await expect(page.locator('.op[data-stage=chunk][data-line="0"] .op-reason').first()).toBeVisible();
    });

    await test.step('Esc closes the editor; with changes, the second Esc', async () => {
      await page.getByRole('button', { name: 'Edit program' }).click();
      await expect(page.getByTestId('program-editor')).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('program-editor')).toHaveCount(0);
      await page.getByRole('button', { name: 'Edit program' }).click();
      await page.getByLabel('doc program').pressSequentially(' ');
      await page.keyboard.press('Escape');
      await expect(page.getByText('Unsaved changes: press Esc again to discard them.')).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('program-editor')).toHaveCount(0);
      await expect(page.locator('.program-by').first()).not.toHaveText('edited by hand');
    });

    await test.step('export to .jsonl.gz from the UI with both audit files', async () => {
      await nav('Export').click();
      const out = join(box.root, 'ui-export.jsonl.gz');
      await page.getByLabel('export path').fill(out);
      await page.getByLabel('Dropped documents with reasons').check();
      await page.getByLabel('Removed lines').check();
      await page.getByRole('main').getByRole('button', { name: 'Export', exact: true }).click();
      await expect(page.getByTestId('export-result')).toContainText('ui-export.jsonl.gz');
      await screenshot(page, 'editor-04-export-gz');
      const dropped = join(box.root, 'ui-export.dropped.jsonl.gz');
      const removed = join(box.root, 'ui-export.removed-lines.jsonl.gz');
      for (const file of [out, dropped, removed]) execFileSync('gzip', ['-t', file]);

      const docs = readGzJsonl<Record<string, unknown> & { id: string; metadata: Record<string, unknown> }>(out);
      expect(docs.length).toBeGreaterThan(0);
      const byId = new Map(records.map((r) => [r.id, r]));
      for (const doc of docs) {
        const input = byId.get(doc.id)!;
        expect(doc.source).toBe(input.source);
        expect(doc.domain).toBe(input.domain);
        expect(doc.url).toBe(input.url);
        expect(doc.crawl).toEqual(input.crawl);
        expect(doc.metadata).toHaveProperty('programs');
      }

      const drops = readGzJsonl<{ id: string; reason: string; operation: string | null; programmer: string }>(dropped);
      expect(drops.length).toBeGreaterThan(0);
      expect(drops.length + docs.length).toBe(records.length);
      // The Batch headline counted the same documents (the edit above was discarded or reverted).
      expect(docs.length).toBe(headline.kept);
      expect(drops.length).toBe(headline.dropped);
      for (const row of drops) expect(row.reason.length).toBeGreaterThan(0);
      // The rules' own words, not the operation's text.
      expect(drops.filter((r) => r.operation === 'drop_doc()').every((r) => /^(c4|gopher|gopher_rep|fineweb): /.test(r.reason))).toBe(true);
      expect(drops.some((r) => r.operation === 'drop_doc()')).toBe(true);

      const lines = readGzJsonl<{ id: string; lines: { line: number; text: string; by: number; operation: string; reason: string | null; programmer: string }[] }>(removed).flatMap((r) => r.lines);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line.operation).toMatch(/^remove_lines\(/);
        expect(line.reason, JSON.stringify(line)).toMatch(/\b(prox|c4|gopher|gopher_rep|fineweb)[\w.-]*: \S/);
        expect(line.programmer).toBe('Rules (fineweb+prox-lines,gopher.min_doc_words=40)');
      }
    });

    await test.step('an export onto a file that is not an export is refused until "Replace it"; a relative name lands in the corpus folder', async () => {
      const notes = join(box.root, 'notes.jsonl');
      writeFileSync(notes, 'my notes\n');
      await page.getByLabel('export path').fill(notes);
      await page.getByLabel('Dropped documents with reasons').uncheck();
      await page.getByLabel('Removed lines').uncheck();
      await page.getByRole('main').getByRole('button', { name: 'Export', exact: true }).click();
      await expect(page.getByRole('alert')).toContainText(`${notes} exists and is not a Refinery export`);
      expect(readFileSync(notes, 'utf8')).toBe('my notes\n');
      await screenshot(page, 'editor-05-export-refused');
      await page.getByRole('button', { name: 'Replace it' }).click();
      await expect(page.getByTestId('export-result')).toContainText('notes.jsonl');
      expect(readFileSync(notes, 'utf8').startsWith('{"id":')).toBe(true);

      await page.getByLabel('export path').fill('relative.jsonl');
      await page.getByRole('main').getByRole('button', { name: 'Export', exact: true }).click();
      await expect(page.getByTestId('export-result')).toContainText(join(box.corpus, 'relative.jsonl'));
    });
  } finally {
    await shell.kill();
    box.dispose();
  }
});
