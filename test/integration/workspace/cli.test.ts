/**
 * The CLI as a user runs it: `refinery index` on the bad-input fixtures prints one
 * `file:line: message` per problem, counts them and reads everything else, exiting with the
 * scan-error code (3) so a script does not take the folder as clean; `export` and `stats` work
 * on the result.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { SCAN_ERRORS_EXIT_CODE } from '../../../main/cli/index';
import { badInputFixtures, repoRoot, tempHome } from './helpers';
import { writeSyntheticCorpus } from './synthetic-corpus';

const home = tempHome('refinery-cli-');
afterAll(() => home.cleanup());
const cli = [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoRoot, 'main', 'cli.ts')];
const refinery = (...args: string[]) => spawnSync(process.execPath, [...cli, ...args], { env: home.env, encoding: 'utf8' });

/** What the user sees for each bad-input fixture: the location and the gist of the message. */
const EXPECTED: Record<string, RegExp> = {
  'broken-element.json': /^broken-element\.json:3: .*not valid JSON/m,
  'broken-line.jsonl': /^broken-line\.jsonl:2: line 2 is not valid JSON/m,
  'latin1.txt': /^latin1\.txt:2: not valid UTF-8.*Re-encode/m,
  'missing-text.jsonl': /^missing-text\.jsonl:2: field "text": .*no "text" field/m,
  'non-utf8-line.jsonl': /^non-utf8-line\.jsonl:2: .*not valid UTF-8/m,
  'not-parquet.parquet': /^not-parquet\.parquet: not a readable parquet file/m,
  'not-really.jsonl.gz': /^not-really\.jsonl\.gz: the gzip data is damaged/m,
  'truncated.jsonl.gz': /^truncated\.jsonl\.gz: file ends early \(truncated gzip\)/m,
  'truncated.jsonl.zst': /^truncated\.jsonl\.zst: file ends early \(truncated zstd\)/m,
  'unclosed.json': /^unclosed\.json:3: .*top-level array is closed/m,
};

describe('refinery CLI', () => {
  it('index reports every bad input as file:line: message and is never stopped by it; export and stats follow', { timeout: 180_000 }, async () => {
    cpSync(badInputFixtures, home.folder, { recursive: true });
    writeSyntheticCorpus(home.folder, 50);
    const db = join(home.home, 'ws.sqlite');
    const indexed = refinery('index', home.folder, '--db', db);
    expect(indexed.status, indexed.stderr).toBe(SCAN_ERRORS_EXIT_CODE);
    const output = `${indexed.stderr}\n${indexed.stdout}`;
    for (const [file, message] of Object.entries(EXPECTED)) {
      if (!existsSync(join(badInputFixtures, file))) continue;
      expect(output, file).toMatch(message);
    }
    const listed = output.split('\n').filter((l) => /^[\w.-]+\.(jsonl|json|txt|gz|zst|parquet|md)(:\d+)?: /.test(l)).length;
    const counted = Number(/(\d+) scan errors/.exec(indexed.stdout)?.[1]);
    expect(counted).toBe(listed);
    expect(indexed.stdout).toMatch(/indexed .*: \d+ documents in \d+ files/);

    const out = join(home.home, 'clean.jsonl.gz');
    const exported = refinery('export', home.folder, '--db', db, '--out', out);
    expect(exported.status, exported.stderr).toBe(0);
    const records = gunzipSync(readFileSync(out)).toString('utf8').trim().split('\n');
    expect(exported.stdout).toContain(`exported ${records.length} documents`);

    const failed = refinery('export', home.folder, '--db', db, '--out', join(home.home, 'nope', 'x.jsonl'));
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/^refinery: export failed, nothing was written: .*nope/m);

    const stats = refinery('stats', home.folder, '--db', db, '--json');
    expect(stats.status, stats.stderr).toBe(0);
    const parsed = JSON.parse(stats.stdout) as { documents: { before: number } };
    expect(parsed.documents.before).toBe(records.length);

    const bad = refinery('refine', home.folder, '--db', db, '--programmer', 'gpt');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--programmer takes rules or rules:<preset>/);
  });
});
