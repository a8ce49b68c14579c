/**
 * `refinery prompt --dialect prox`: the real CLI with the real Llama-2 tokenizer (a
 * tokenizer.model with its tokenizer_config.json, or a GGUF): document-global line ranges,
 * prompt text and token ids, both spellings after BOS, both truncations, skipped and sent
 * over-long lines.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LLAMA2_TOKENIZER_MODEL } from '../support/fixtures';
import { llamaSpmVocabGgufPath } from '../support/tiny-model';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const work = mkdtempSync(join(tmpdir(), 'refinery-prompt-prox-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface PromptRecord {
  id: string | number | null;
  line: number;
  stage: string;
  prompts: { start_line: number; end_line: number; text: string; tokens: number[]; truncated: boolean; skipped?: string }[];
}

function cli(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'main/cli.ts'), 'prompt', '--dialect', 'prox', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A tokenizer.model in its own folder with the given tokenizer_config.json. */
function tokenizerFolder(name: string, config: Record<string, unknown>): string {
  const folder = join(work, name);
  mkdirSync(folder);
  copyFileSync(LLAMA2_TOKENIZER_MODEL, join(folder, 'tokenizer.model'));
  writeFileSync(join(folder, 'tokenizer_config.json'), JSON.stringify(config));
  return join(folder, 'tokenizer.model');
}

const NON_LEGACY = tokenizerFolder('non-legacy', { legacy: false, add_bos_token: true });
const LONG_LINE = Array.from({ length: 900 }, (_, i) => `word${i}`).join(' ');
/** Over the 1,500-token chunk budget, but its prompt fits the 2,048-token context. */
const MID_LINE = Array.from({ length: 450 }, (_, i) => `word${i}`).join(' ');
const DOCS = [
  { id: 'short', text: 'Home | About\nWelcome to the page.\nSome body text.' },
  { id: 'overlong', text: `First line.\n${LONG_LINE}\nLast line.` },
  { id: 'fits', text: `First line.\n${MID_LINE}` },
];
const input = join(work, 'docs.jsonl');
writeFileSync(input, `${DOCS.map((d) => JSON.stringify(d)).join('\n')}\n`);

function run(name: string, args: string[]): PromptRecord[] {
  const out = join(work, `${name}.jsonl`);
  const result = cli([...args, '--in', input, '--out', out]);
  expect(result.stderr).toMatch(/wrote the prompts of 3 documents/);
  expect(result.status).toBe(0);
  return readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as PromptRecord);
}

const INST_CLOSE = [518, 29914, 25580, 29962];
const HEAD = [25580, 29962, 3532, 14816, 29903, 6778, 13]; // INST ] ▁<< SY S >> \n

describe('refinery prompt --dialect prox', () => {
  it('chunk stage, keep-inst, legacy=false tokenizer.model: numbered chunks, BOS then "[", over-long line skipped', () => {
    const [short, overlong] = run('chunk-keep', ['--stage', 'chunk', '--tokenizer', NON_LEGACY]);
    expect(short).toMatchObject({ id: 'short', line: 1, stage: 'chunk' });
    expect(short!.prompts).toHaveLength(1);
    const p = short!.prompts[0]!;
    expect([p.start_line, p.end_line, p.truncated]).toEqual([0, 2, false]);
    expect(p.tokens.slice(0, 9)).toEqual([1, 29961, ...HEAD]);
    expect(p.tokens.slice(-4)).toEqual(INST_CLOSE);
    expect(p.text).toBe('<s>[INST] <<SYS>>\nYou are a helpful, respectful and honest assistant.\n<</SYS>>\n\n[doc]\n[000]Home | About\n[001]Welcome to the page.\n[002]Some body text.\n[/doc] [/INST]');
    expect(overlong!.prompts.map((q) => [q.start_line, q.end_line, q.skipped === undefined, q.tokens.length > 0])).toEqual([[0, 0, true, true], [1, 1, false, false], [2, 2, true, true]]);
    expect(overlong!.prompts[1]!.skipped).toMatch(/line 1 alone is \d+ tokens, over the 1500-token chunk budget/);
    expect(overlong!.prompts[2]!.text).toContain('[002]Last line.');
  });

  it('chunk stage, reference: two BOS (add_bos_token), an over-long line sent whole when its prompt fits the context, else no prompt', () => {
    const [short, overlong, fits] = run('chunk-reference', ['--stage', 'chunk', '--truncation', 'reference', '--tokenizer', NON_LEGACY]);
    expect(short!.prompts[0]!.tokens.slice(0, 3)).toEqual([1, 1, 29961]);
    expect(short!.prompts[0]!.text.startsWith('<s><s>[INST] <<SYS>>')).toBe(true);
    // The reference gives vLLM the whole prompt: one longer than the context is ignored (no answer), never cut.
    const ignored = overlong!.prompts[1]!;
    expect([ignored.start_line, ignored.end_line, ignored.tokens]).toEqual([1, 1, []]);
    expect(ignored.skipped).toMatch(/longer than the 2048-token context \(the reference's vLLM ignores it/);
    expect(fits!.prompts.map((q) => [q.start_line, q.end_line])).toEqual([[0, 0], [1, 1]]);
    const sent = fits!.prompts[1]!;
    expect(sent.skipped).toBeUndefined();
    expect(sent.truncated).toBe(false);
    expect(sent.tokens.length).toBeGreaterThan(1500);
    expect(sent.tokens.length).toBeLessThan(2048);
    expect(sent.tokens.slice(-4)).toEqual(INST_CLOSE);
    expect(sent.text).toContain(`[001]${MID_LINE}\n[/doc] [/INST]`);
    // keep-inst skips the same line: it is over the chunk budget.
    const [, , keep] = run('chunk-keep-fits', ['--stage', 'chunk', '--tokenizer', NON_LEGACY]);
    expect(keep!.prompts[1]!.skipped).toMatch(/over the 1500-token chunk budget/);
  });

  it('doc stage with a GGUF (legacy unstated: "▁[" 518); reference cuts [/INST] off a long document, keep-inst keeps it', () => {
    const gguf = llamaSpmVocabGgufPath();
    const keep = run('doc-keep', ['--stage', 'doc', '--tokenizer', gguf]);
    const reference = run('doc-reference', ['--stage', 'doc', '--truncation', 'reference', '--tokenizer', gguf]);
    expect(keep[0]!.prompts).toEqual(reference[0]!.prompts);
    const p = keep[0]!.prompts[0]!;
    expect([p.start_line, p.end_line]).toEqual([0, 2]);
    expect(p.tokens.slice(0, 9)).toEqual([1, 518, ...HEAD]);
    expect(p.text).toBe('<s>[INST] <<SYS>>\nYou are a helpful, respectful and honest assistant.\n<</SYS>>\n\nHome | About\nWelcome to the page.\nSome body text. [/INST]');
    const long = (records: PromptRecord[]) => records[1]!.prompts[0]!;
    expect(long(reference)).toMatchObject({ start_line: 0, end_line: 2, truncated: true });
    expect(long(reference).tokens).toHaveLength(2000);
    expect(long(reference).tokens.slice(-4)).not.toEqual(INST_CLOSE);
    expect(long(keep).truncated).toBe(true);
    expect(long(keep).tokens.slice(-4)).toEqual(INST_CLOSE);
    expect(long(keep).tokens.length).toBeLessThanOrEqual(2048 - 16);
  });

  it('refuses a missing --tokenizer or --stage, and names a tokenizer file that is not there', () => {
    const out = join(work, 'x.jsonl');
    const noTokenizer = cli(['--stage', 'doc', '--in', input, '--out', out]);
    expect(noTokenizer.status).toBe(2);
    expect(noTokenizer.stderr).toMatch(/--dialect prox needs --tokenizer/);
    const noStage = cli(['--tokenizer', NON_LEGACY, '--in', input, '--out', out]);
    expect([noStage.status, noStage.stderr]).toEqual([2, expect.stringMatching(/--dialect prox needs --stage doc\|chunk/)]);
    expect(cli(['--stage', 'doc', '--tokenizer', join(work, 'nope.model'), '--in', input, '--out', out]).stderr).toMatch(/nope\.model: no such file/);
  });
});
