/**
 * Issue 16.5: documents whose input id another document already has get ids from their file
 * and line (ids stay unique), `index` warns once with the count, and export keeps the input's
 * id in metadata.input.id instead of losing it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, tempHome } from './helpers';

const home = tempHome('refinery-dup-ids-');
afterAll(() => home.cleanup());
const cli = [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoRoot, 'main', 'cli.ts')];
const refinery = (...args: string[]) => spawnSync(process.execPath, [...cli, ...args, '--db', join(home.home, 'ws.sqlite')], { env: home.env, encoding: 'utf8' });

describe('duplicate input ids', () => {
  it('are renamed, warned about once with a count, and kept in the export', { timeout: 120_000 }, () => {
    const line = (id: string, text: string, extra: Record<string, unknown> = {}) => JSON.stringify({ id, text, ...extra });
    writeFileSync(join(home.folder, 'a.jsonl'), [line('x', 'first x'), line('x', 'second x', { url: 'https://e.x/2' }), line('y', 'a y')].join('\n') + '\n');
    writeFileSync(join(home.folder, 'b.jsonl'), [line('x', 'third x', { metadata: { lang: 'en' } })].join('\n') + '\n');

    const indexed = refinery('index', home.folder);
    expect(indexed.status, indexed.stderr).toBe(0);
    const warnings = indexed.stdout.split('\n').filter((l) => /already has/.test(l));
    expect(warnings).toEqual(['2 documents have an id another document already has (the first: "x" in a.jsonl:2); they were given ids from their file and line, and export keeps the input\'s id in metadata.input.id']);
    // Warned once: a re-index of unchanged files says nothing more.
    expect(refinery('index', home.folder).stdout).not.toMatch(/already has/);

    const out = join(home.home, 'out.jsonl');
    const exported = refinery('export', home.folder, '--out', out);
    expect(exported.status, exported.stderr).toBe(0);
    const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; text: string; url?: string; metadata: { input?: { id?: string }; lang?: string } });
    expect(records.map((r) => [r.id, r.text, r.metadata.input?.id ?? null])).toEqual([
      ['x', 'first x', null],
      ['a.jsonl:2', 'second x', 'x'],
      ['y', 'a y', null],
      ['b.jsonl:1', 'third x', 'x'],
    ]);
    expect(records[1]!.url).toBe('https://e.x/2');
    expect(records[3]!.metadata.lang).toBe('en');
  });
});
