/**
 * Shared pieces of the browser tests: a real `refinery serve` process per test with its own
 * REFINERY_HOME, fixture corpora copied into a temp folder, and screenshots.
 */
import { test } from '@playwright/test';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { CHROMIUM } from '../../playwright.config';
import { DEVSET_DOCS } from '../support/fixtures';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'screenshots');

/** Skips the calling test, saying why, when the browser is missing (scripts/test.sh installs it). */
export function needBrowser(): void {
  test.skip(!existsSync(CHROMIUM), `Debian's Chromium is missing at ${CHROMIUM} (apt-get install chromium, or set REFINERY_CHROMIUM)`);
}

export interface Sandbox {
  root: string;
  home: string;
  corpus: string;
  dispose(): void;
}

/** A temp folder with REFINERY_HOME and a corpus of the devset repeated `copies` times (ids made unique). */
export function makeSandbox(copies = 1): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'refinery-e2e-'));
  const home = join(root, 'home');
  const corpus = join(root, 'corpus');
  mkdirSync(home);
  mkdirSync(corpus);
  const lines = readFileSync(DEVSET_DOCS, 'utf8').split('\n').filter(Boolean);
  const out: string[] = [];
  for (let c = 0; c < copies; c++) {
    for (const line of lines) {
      const doc = JSON.parse(line) as { id: string };
      out.push(JSON.stringify(copies === 1 ? doc : { ...doc, id: `${doc.id}-c${c}` }));
    }
  }
  writeFileSync(join(corpus, 'devset.jsonl'), out.join('\n') + '\n');
  return { root, home, corpus, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

export interface Shell {
  url: string;
  process: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `refinery serve` and resolves with the URL it prints; `env` adds to the environment (e.g. HF_ENDPOINT). */
export function startShell(home: string, folder?: string, env: NodeJS.ProcessEnv = {}): Promise<Shell> {
  // `node --import tsx` runs the server in this one process, so a SIGKILL really kills it
  // (the tsx CLI would leave its child running).
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'main', 'cli.ts'), 'serve', ...(folder ? [folder] : []), '--port', '0'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, REFINERY_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`refinery serve printed no URL within 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /https?:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output);
      if (match) {
        clearTimeout(timer);
        ok({
          url: match[0],
          process: child,
          output: () => output,
          kill: async (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`refinery serve exited (${code}) before printing a URL:\n${output}`));
    });
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
