/**
 * The rule programmer's default in the browser shell: refine raw web pages with `web`, see on
 * the Stats screen what each rule took, switch an eager rule off from there, refine again and
 * see it take nothing. The corpus is generated here (raw pages with menus, articles, teaser
 * lists and footers).
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needBrowser, screenshot, startShell } from './support';

const SENTENCES = [
  'The council approved the new bridge after a long debate about its cost and its route.',
  'Engineers say the river bed is soft, so the pillars must reach deep into the rock below.',
  'Residents who live near the old crossing have asked for quieter traffic at night.',
  'The first phase of the work is planned for the spring, when the water level is low.',
  'A study from the university found that the bridge will cut travel times by a third.',
  'Local shops expect more visitors once the walking path along the river is finished.',
  'The mayor said the project would be paid for by the region and a national fund.',
  'Critics argue that the money could have gone to schools and to the public buses instead.',
];

/** A raw page: menu, headline, article (long pages keep, short ones drop), teasers, footer. */
function page(i: number): string {
  const paragraphs = i % 4 === 0 ? 2 : 14;
  const article = Array.from({ length: paragraphs }, (_, p) => `${SENTENCES[(i + p) % SENTENCES.length]} ${SENTENCES[(i + p + 3) % SENTENCES.length]}`);
  return [
    `A new bridge for the river town, part ${i} | Daily Example`,
    'Skip to content',
    'Home',
    'News',
    'Sport',
    'Business',
    'Weather',
    `A new bridge for the river town, part ${i}`,
    'By Anna Berg',
    'March 3, 2021',
    ...article.slice(0, 3),
    'What happens next',
    ...article.slice(3),
    'Share',
    'More From Daily Example',
    'The Best Walks Along the Coast',
    'Ten Quiet Villages to Visit This Summer',
    'Why the Trains Are Late Again',
    '© 2024 Daily Example. All rights reserved.',
    'Privacy Policy',
  ].join('\n');
}

test('web is the default; Stats says what each rule took; a rule switched off there takes nothing in the next batch', async ({ page: browser }) => {
  needBrowser();
  const root = mkdtempSync(join(tmpdir(), 'refinery-e2e-rules-'));
  const home = join(root, 'home');
  const corpus = join(root, 'corpus');
  mkdirSync(home);
  mkdirSync(corpus);
  writeFileSync(join(corpus, 'pages.jsonl'), Array.from({ length: 24 }, (_, i) => JSON.stringify({ id: `page-${i}`, text: page(i) })).join('\n') + '\n');
  const shell = await startShell(home, corpus);
  const nav = (name: string) => browser.locator('nav.sidebar').getByRole('button', { name, exact: true });
  // Screenshots of Stats show the rule table whole, not the cards above it.
  const ruleTableToTop = () => browser.locator('table[aria-label^="what each rule took"]').first().evaluate((table) => table.closest('section')?.scrollIntoView({ block: 'start' }));
  const ruleRow = (rule: string) => browser.locator('table[aria-label^="what each rule took"] tbody tr').filter({ has: browser.getByText(rule, { exact: true }) });
  try {
    await test.step('the Batch screen starts with the web preset and lists its rules, all on', async () => {
      await browser.goto(shell.url);
      await expect(browser.getByTestId('doclist')).toHaveAttribute('aria-label', '24 documents');
      await nav('Batch').click();
      await expect(browser.getByLabel('rule preset')).toHaveValue('web');
      const rules = browser.getByRole('list', { name: 'rules' }).getByRole('checkbox');
      await expect(rules).toHaveCount(7);
      for (const box of await rules.all()) await expect(box).toBeChecked();
      await expect(browser.getByText('Rules: 7 of 7 on')).toBeVisible();
      await screenshot(browser, 'rules-01-batch-web');
      await browser.getByRole('button', { name: 'Start', exact: true }).click();
      await expect(browser.locator('section[aria-label=job] .state-pill')).toHaveText('done', { timeout: 150_000 });
      await expect(browser.locator('section[aria-label=job]')).toContainText('Rules (web)');
    });

    await test.step('Stats shows the pages each rule dropped and changed and the lines it removed', async () => {
      await nav('Stats').click();
      const menus = ruleRow('web.menus');
      await expect(menus).toBeVisible();
      // Every page's menu (4 lines after the two buttons) and teaser list (4 lines): 8 lines on
      // each of the 18 pages kept; the 6 short pages are dropped for too little running text.
      await expect(menus.locator('td.num').nth(1)).toHaveText('18');
      await expect(menus.locator('td.num').nth(2)).toHaveText('144');
      const prose = ruleRow('web.min_prose_words');
      await expect(prose.locator('td.num').nth(0)).toHaveText('6');
      await expect(browser.locator('.metric').filter({ hasText: 'Documents kept' })).toContainText('18 of 24');
      await ruleTableToTop();
      await screenshot(browser, 'rules-02-stats');
    });

    await test.step('switching web.menus off from Stats opens Batch with it unchecked; the next batch runs without it', async () => {
      await ruleRow('web.menus').getByRole('button', { name: 'Switch off…' }).click();
      await expect(browser.getByRole('heading', { name: 'Batch refine' })).toBeVisible();
      await expect(browser.getByRole('checkbox', { name: 'web.menus' })).not.toBeChecked();
      await expect(browser.getByRole('checkbox', { name: 'web.widgets' })).toBeChecked();
      await expect(browser.getByText('Rules: 6 of 7 on')).toBeVisible();
      await screenshot(browser, 'rules-03-batch-menus-off');
      await browser.getByRole('button', { name: 'Start again', exact: true }).click();
      await expect(browser.locator('section[aria-label=job] .state-pill')).toHaveText('done', { timeout: 150_000 });
      // The job names its programmer by a spec that can be typed back: `--programmer rules:web,-web.menus`.
      await expect(browser.locator('section[aria-label=job]')).toContainText('Rules (web,-web.menus)');
      await screenshot(browser, 'rules-04-batch-menus-off-done');
      await nav('Stats').click();
      await expect(ruleRow('web.widgets')).toBeVisible();
      await expect(ruleRow('web.menus')).toHaveCount(0);
      await ruleTableToTop();
      await screenshot(browser, 'rules-05-stats-menus-off');
    });
  } finally {
    await shell.kill();
    rmSync(root, { recursive: true, force: true });
  }
});
