/**
 * `refinery program --ultrax-model`: the real CLI and model worker on a tiny Qwen3 model
 * converted by the real converter (test/support/tiny-qwen3.ts). Records carry each window's
 * raw reply with its line range and the merged program as UltraX stores it (`model_output`),
 * and feed `execute --dialect ultrax` as they are.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { UltraxProgramRecord } from '../../../main/cli/program';
import { documentProgram, splitWindows } from '../../../main/ultrax';
import { repoRoot, tempHome } from '../workspace/helpers';
import { qwen3ChatTemplate, writeTinyUltraxGguf } from '../../support/tiny-qwen3';
import { TEST_THREADS } from './tiny-models';

const template = qwen3ChatTemplate();
const skip = typeof template !== 'string';
const home = tempHome('refinery-program-ultrax-');
afterAll(() => {
  if (!process.env.REFINERY_KEEP_TEST_HOME) home.cleanup();
});
const bin = join(repoRoot, 'bin', 'refinery.mjs');
const env = { ...home.env, REFINERY_LLAMA_THREADS: String(TEST_THREADS) };

function refinery(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', timeout: 240_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const DOCS = [
  { id: 'short', text: 'Home | Shop | Cart\nThe bridge reopened on Monday after repairs.\nShare on social media' },
  { id: 'long', text: Array.from({ length: 12 }, (_, i) => `Paragraph ${i + 1}: the council met and voted on item ${i}.`).join('\n') },
];

describe.skipIf(skip)(`refinery program with an UltraX model${skip ? ` (skipped: ${(template as { reason: string }).reason})` : ''}`, () => {
  it('writes model_output and each window\'s reply with its line range; execute --dialect ultrax runs the records', { timeout: 300_000 }, () => {
    const gguf = writeTinyUltraxGguf(home.home, join(home.home, 'UltraX-0.6B-Preview.F32.gguf'), { chatTemplate: template as string });
    const input = join(home.home, 'docs.jsonl');
    writeFileSync(input, DOCS.map((d) => JSON.stringify(d)).join('\n') + '\n');
    const out = join(home.home, 'programs.jsonl');
    const run = refinery(['program', '--ultrax-model', gguf, '--max-chars', '160', '--max-new-tokens', '24', '--in', input, '--out', out, '-q']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^programmed 2 documents with model:[0-9a-f]{64}:ultrax:improved:chars:160:.* remove_all, .* with edits; 0 documents failed$/m);
    const records = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as UltraxProgramRecord);
    expect(records.map((r) => [r.id, r.line])).toEqual([
      ['short', 1],
      ['long', 2],
    ]);
    for (const [i, record] of records.entries()) {
      const windows = splitWindows(DOCS[i]!.text, 160);
      expect(record.ultrax_outputs!.map((w) => [w.start_line, w.end_line])).toEqual(windows.map((w) => [w.startLine - 1, w.endLine - 1]));
      for (const w of record.ultrax_outputs!) expect(typeof w.output).toBe('string');
      expect(record.model_output).toBe(documentProgram(DOCS[i]!.text, windows, record.ultrax_outputs!.map((w) => ({ response: w.output }))));
    }
    expect(records[1]!.ultrax_outputs!.length).toBeGreaterThan(1);

    const refined = join(home.home, 'refined.jsonl');
    const executed = refinery(['execute', '--dialect', 'ultrax', '--in', out, '--out', refined]);
    expect(executed.status, executed.stderr).toBe(0);
    const results = readFileSync(refined, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; program: string; status: string });
    expect(results.map((r) => r.id)).toEqual(['short', 'long']);
    // The program executed is the record's model_output (an empty one, where every reply was a comment, is keep_all()).
    expect(results.map((r) => r.program)).toEqual(records.map((r) => (r.model_output === '' ? 'keep_all()' : r.model_output)));
  });
});
