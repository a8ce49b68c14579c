/**
 * Issue 16 leftovers on the console: `serve` says what the app's Problems screen shows (the
 * inputs that could not be read, the documents renamed for a duplicate id, naming the first and
 * the count) even when the folder was indexed before and nothing was read this time; the
 * workspace summary keeps that count per file (a file read again counts afresh); and the paths
 * `export` and `serve` print are escaped like the rest (a newline or an ANSI escape in a file
 * name cannot forge a line or clear the screen).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../../main/workspace/service';
import { repoRoot, tempHome } from './helpers';

const home = tempHome('refinery-serve-out-');
afterAll(() => home.cleanup());
const db = join(home.home, 'ws.sqlite');
const cli = [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoRoot, 'main', 'cli.ts')];
const refinery = (...args: string[]) => spawnSync(process.execPath, [...cli, ...args], { env: home.env, encoding: 'utf8' });
const line = (id: string, text: string) => JSON.stringify({ id, text });
/** A file name holding an ANSI "clear screen" and a newline. */
const HOSTILE = 'evil\u001b[2J\nname.jsonl';
const HOSTILE_SHOWN = 'evil\\e[2J\\nname.jsonl';

/** Starts `serve` and resolves with everything it printed up to its URL, then stops it. */
async function serveOutput(folder: string): Promise<string> {
  const server = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'main', 'cli.ts'), 'serve', folder, '--db', db, '--port', '0'], { cwd: repoRoot, env: home.env });
  const exited = new Promise<void>((ok) => server.once('exit', () => ok()));
  try {
    return await new Promise<string>((ok, fail) => {
      let output = '';
      const timer = setTimeout(() => fail(new Error(`no URL within 150 s:\n${output}`)), 150_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.test(output)) {
          clearTimeout(timer);
          ok(output);
        }
      };
      server.stdout.on('data', onData);
      server.stderr.on('data', onData);
      server.once('exit', (code) => fail(new Error(`serve exited (${code}):\n${output}`)));
    });
  } finally {
    server.kill('SIGTERM');
    await exited;
  }
}

async function summaryOf(folder: string) {
  const ws = Workspace.open(folder, { dbPath: db, env: home.env });
  try {
    return ws.summary();
  } finally {
    await ws.dispose();
  }
}

describe('serve and export output', () => {
  it('serve warns about renamed ids and unreadable inputs; the count lives per file; paths are escaped', { timeout: 300_000 }, async () => {
    writeFileSync(join(home.folder, 'a.jsonl'), [line('x', 'first x'), line('x', 'second x'), line('y', 'a y')].join('\n') + '\n');
    writeFileSync(join(home.folder, HOSTILE), [line('x', 'third x'), line('y', 'second y'), '{"id": "broken"'].join('\n') + '\n');

    const indexed = refinery('index', home.folder, '--db', db, '--quiet');
    expect(indexed.status, indexed.stderr).toBe(3);
    expect(indexed.stdout).toContain('3 documents have an id another document already has (the first: "x" in a.jsonl:2)');
    // Nothing from the input reaches the terminal raw.
    expect(indexed.stdout + indexed.stderr).not.toContain('\u001b');
    expect(indexed.stdout + indexed.stderr).not.toMatch(/evil[^\\]/);

    // The workspace keeps the count after the pass that found it.
    expect(await summaryOf(home.folder)).toMatchObject({ idsRenamed: 3, firstRenamed: { id: 'x', file: 'a.jsonl', locator: 2 }, scanErrors: 1 });

    // serve on the indexed folder reads nothing new, and still says both, with the file name escaped.
    const served = await serveOutput(home.folder);
    const warnings = served.split('\n').filter((l) => /already has|could not be read/.test(l));
    expect(warnings).toEqual([
      `refinery: 1 input of ${home.folder} could not be read; the Problems screen lists it with file and line`,
      'refinery: 3 documents have an id another document already has (the first: "x" in a.jsonl:2); they were given ids from their file and line, and export keeps the input\'s id in metadata.input.id',
    ]);
    expect(served).not.toContain('\u001b');

    // a.jsonl read again without its duplicate: only the hostile file's two count, and it is named escaped.
    writeFileSync(join(home.folder, 'a.jsonl'), [line('x', 'first x'), line('y', 'a y')].join('\n') + '\n');
    expect(refinery('index', home.folder, '--db', db, '--quiet').status).toBe(3);
    expect(await summaryOf(home.folder)).toMatchObject({ idsRenamed: 2, firstRenamed: { id: 'x', file: HOSTILE, locator: 1 } });
    const again = await serveOutput(home.folder);
    expect(again).toContain(`refinery: 2 documents have an id another document already has (the first: "x" in ${HOSTILE_SHOWN}:1)`);
    expect(again).not.toContain('\u001b');

    // export prints its path (and the audit file's) escaped; the file is written under its real name.
    const out = join(home.home, 'out\u001b[31m\nclean.jsonl');
    const exported = refinery('export', home.folder, '--db', db, '--out', out, '--audit-dropped', '--quiet');
    expect(exported.status, exported.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(exported.stdout).toContain(`to ${home.home}/out\\e[31m\\nclean.jsonl: `);
    expect(exported.stdout).toContain(`audit: ${home.home}/out\\e[31m\\nclean.dropped.jsonl\n`);
    expect(exported.stdout).not.toContain('\u001b');
    // A refusal naming the path is escaped too.
    writeFileSync(join(home.home, 'notes\u001b[2J.jsonl'), 'not an export\n');
    const refused = refinery('export', home.folder, '--db', db, '--out', join(home.home, 'notes\u001b[2J.jsonl'), '--quiet');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('notes\\e[2J.jsonl');
    expect(refused.stderr).not.toContain('\u001b');
  });
});
