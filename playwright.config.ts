/**
 * End-to-end tests of the browser shell in Debian's Chromium (`npx playwright install`
 * cannot download browsers here). Each test starts its own server with its own temporary
 * REFINERY_HOME (test/e2e/support.ts). The reporter comes from the command line
 * (scripts/test.sh passes list + json).
 */
import { defineConfig } from '@playwright/test';

export const CHROMIUM = process.env.REFINERY_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '*.spec.ts',
  outputDir: 'test-results/playwright',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  globalSetup: './test/e2e/global-setup.ts',
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
