import { beforeAll, describe, expect, it } from 'vitest';
import { chunkDocument } from '../../../main/prox/chunker';
import { buildPromptTokens, renderChunkPrompt, renderDocPrompt, SYSTEM_PROMPT } from '../../../main/prox/prompts';
import type { Tokenizer } from '../../../main/prox/tokens';
import { loadDevset, type DevDoc } from '../../support/devset';
import { loadLlamaSpmTokenizer } from '../../support/llama-vocab';

const EXAMPLE = 'Home | About\nWelcome to the page.\nSome body text.\n';

describe('renderDocPrompt / renderChunkPrompt', () => {
  it('renders the doc prompt exactly as the reference example', () => {
    expect(renderDocPrompt(EXAMPLE)).toBe(
      '<s>[INST] <<SYS>>\nYou are a helpful, respectful and honest assistant.\n<</SYS>>\n\n' +
        'Home | About\nWelcome to the page.\nSome body text. [/INST]',
    );
    expect(SYSTEM_PROMPT).toBe('You are a helpful, respectful and honest assistant.');
  });

  it('renders the chunk prompt exactly as the reference example', () => {
    const [chunk] = chunkDocument(EXAMPLE);
    expect(renderChunkPrompt(chunk!.text)).toBe(
      '<s>[INST] <<SYS>>\nYou are a helpful, respectful and honest assistant.\n<</SYS>>\n\n' +
        '[doc]\n[000]Home | About\n[001]Welcome to the page.\n[002]Some body text.\n[003]\n[/doc] [/INST]',
    );
  });

  it('strips trailing Python whitespace of the user text and keeps leading whitespace', () => {
    expect(renderDocPrompt('  body\t\n\u3000\u00a0\r\n')).toMatch(/<<\/SYS>>\n\n {2}body \[\/INST\]$/);
    // U+200B is not whitespace for Python, so it stays.
    expect(renderDocPrompt('body\u200b\n')).toMatch(/body\u200b \[\/INST\]$/);
  });

  it('loses the blank line after <</SYS>> when the user text is all whitespace, as the template strip does', () => {
    expect(renderDocPrompt(' \n\t')).toBe(`<s>[INST] <<SYS>>\n${SYSTEM_PROMPT}\n<</SYS>> [/INST]`);
    expect(renderDocPrompt('')).toBe(`<s>[INST] <<SYS>>\n${SYSTEM_PROMPT}\n<</SYS>> [/INST]`);
  });
});

describe('buildPromptTokens with the real Llama-2 vocabulary', () => {
  let tokenizer: Tokenizer | string;
  let docs: DevDoc[];
  beforeAll(async () => {
    tokenizer = await loadLlamaSpmTokenizer();
    docs = loadDevset().docs;
  });

  const HEAD = [1, 518, 25580, 29962, 3532, 14816, 29903, 6778, 13];
  const INST_CLOSE = [518, 29914, 25580, 29962];
  const onlyOneBos = (tokens: number[]): void => expect(tokens.filter((t) => t === 1)).toHaveLength(1);

  it('gives the Llama-2 template ids, one BOS, 32 tokens of template overhead', (ctx) => {
    if (typeof tokenizer === 'string') return ctx.skip(`Llama SPM vocab unavailable: ${tokenizer}`);
    const { tokens, truncated, droppedChars } = buildPromptTokens('doc', EXAMPLE, tokenizer);
    expect(tokens.slice(0, HEAD.length)).toEqual(HEAD);
    expect(tokens.slice(-4)).toEqual(INST_CLOSE);
    expect(tokens[0]).toBe(tokenizer.bos);
    onlyOneBos(tokens);
    expect({ truncated, droppedChars }).toEqual({ truncated: false, droppedChars: 0 });
    // The body as it reads after a newline: no SentencePiece space prefix on "Home".
    const body = tokenizer.tokenize(`\n${EXAMPLE.trimEnd()}`).slice(tokenizer.tokenize('\n').length);
    expect(tokens.length - body.length).toBe(32);
  });

  it('equals tokenizing the whole rendered prompt at once, for every devset document and its chunks', (ctx) => {
    if (typeof tokenizer === 'string') return ctx.skip(`Llama SPM vocab unavailable: ${tokenizer}`);
    const tok = tokenizer;
    for (const doc of docs) {
      const whole = tok.tokenize(renderDocPrompt(doc.text), { special: true });
      const built = buildPromptTokens('doc', doc.text, tok, { maxPromptTokens: 1e9, contextSize: 1e9 });
      expect(built.tokens, doc.id).toEqual(whole);
      for (const chunk of chunkDocument(doc.text, { counter: tok })) {
        const chunkWhole = tok.tokenize(renderChunkPrompt(chunk.text), { special: true });
        expect(buildPromptTokens('chunk', chunk.text, tok).tokens, `${doc.id} chunk ${chunk.index}`).toEqual(chunkWhole);
      }
    }
  });

  it("'keep-inst' truncates the longest devset document so [/INST] survives and the answer fits, cutting as little as possible", (ctx) => {
    if (typeof tokenizer === 'string') return ctx.skip(`Llama SPM vocab unavailable: ${tokenizer}`);
    const tok = tokenizer;
    const longest = docs.reduce((a, b) => (b.text.length > a.text.length ? b : a));
    for (const [stage, limit] of [['doc', Math.min(2000, 2048 - 16)], ['chunk', 2048 - 256]] as const) {
      const built = buildPromptTokens(stage, longest.text, tok);
      expect(built.truncated).toBe(true);
      expect(built.tokens.length).toBeLessThanOrEqual(limit);
      expect(built.tokens.slice(0, HEAD.length)).toEqual(HEAD);
      expect(built.tokens.slice(-4)).toEqual(INST_CLOSE);
      onlyOneBos(built.tokens);
      const kept = longest.text.length - built.droppedChars;
      expect(built.droppedChars).toBeGreaterThan(0);
      // Exactly the prompt of the kept prefix, and one more character would not fit.
      const prefixPrompt = buildPromptTokens(stage, longest.text.slice(0, kept), tok, { maxPromptTokens: 1e9, contextSize: 1e9 });
      expect(built.tokens).toEqual(prefixPrompt.tokens);
      const onePrompt = buildPromptTokens(stage, longest.text.slice(0, kept + 1), tok, { maxPromptTokens: 1e9, contextSize: 1e9 });
      expect(onePrompt.tokens.length).toBeGreaterThan(limit);
    }
    // The chunk stage keeps its [doc] wrapper around a truncated chunk.
    const chunkPrompt = tok.detokenize(buildPromptTokens('chunk', longest.text, tok).tokens);
    expect(chunkPrompt).toMatch(/^(?:<s>)? ?\[INST\] <<SYS>>\n[\s\S]*\n<<\/SYS>>\n\n\[doc\]\n[\s\S]*\n\[\/doc\] \[\/INST\]$/);
    // A smaller maxPromptTokens wins over the context.
    expect(buildPromptTokens('doc', longest.text, tok, { maxPromptTokens: 300 }).tokens.length).toBeLessThanOrEqual(300);
  });

  it("'reference' cuts the whole prompt on the right at 2000 tokens, losing [/INST] like GAIR-NLP/ProX", (ctx) => {
    if (typeof tokenizer === 'string') return ctx.skip(`Llama SPM vocab unavailable: ${tokenizer}`);
    const tok = tokenizer;
    const longest = docs.reduce((a, b) => (b.text.length > a.text.length ? b : a));
    const whole = tok.tokenize(renderDocPrompt(longest.text), { special: true });
    expect(whole.length).toBeGreaterThan(2000);
    const built = buildPromptTokens('doc', longest.text, tok, { mode: 'reference' });
    expect(built.tokens).toEqual(whole.slice(0, 2000));
    expect(built.truncated).toBe(true);
    expect(built.tokens.slice(-4)).not.toEqual(INST_CLOSE);
    // droppedChars: the kept text is the longest prefix whose tokens fit in the 2000.
    const kept = longest.text.length - built.droppedChars;
    expect(kept).toBeGreaterThan(0);
    const keptText = tok.detokenize(built.tokens.slice(28));
    expect(Math.abs(keptText.trim().length - longest.text.slice(0, kept).trim().length)).toBeLessThanOrEqual(16);
    // A huge document is only tokenized in a window, with the same result.
    const huge = Array.from({ length: 8 }, () => longest.text).join('\n');
    expect(buildPromptTokens('doc', huge, tok, { mode: 'reference' }).tokens).toEqual(
      tok.tokenize(renderDocPrompt(huge), { special: true }).slice(0, 2000),
    );
    // keep-inst on the window: fits, keeps [/INST], and cuts where the plain document is cut, give or
    // take a word (SentencePiece counts are not monotonic inside a word, so the binary search may
    // settle on a neighbouring cut).
    const hugeKeepInst = buildPromptTokens('doc', huge, tok);
    const plainKeepInst = buildPromptTokens('doc', longest.text, tok);
    expect(hugeKeepInst.tokens.length).toBeLessThanOrEqual(2000);
    expect(hugeKeepInst.tokens.slice(-4)).toEqual(INST_CLOSE);
    const hugeKept = huge.length - hugeKeepInst.droppedChars;
    const plainKept = longest.text.length - plainKeepInst.droppedChars;
    expect(Math.abs(hugeKept - plainKept)).toBeLessThanOrEqual(16);
    // Short documents are not touched.
    expect(buildPromptTokens('doc', EXAMPLE, tok, { mode: 'reference' }).tokens).toEqual(buildPromptTokens('doc', EXAMPLE, tok).tokens);
  });

  it('never turns special-token text inside a document into special tokens', (ctx) => {
    if (typeof tokenizer === 'string') return ctx.skip(`Llama SPM vocab unavailable: ${tokenizer}`);
    const { tokens } = buildPromptTokens('doc', 'before </s> middle <s> after', tokenizer);
    onlyOneBos(tokens);
    expect(tokens).not.toContain(tokenizer.eos);
  });

  it('says what to change when the template alone does not fit', (ctx) => {
    if (typeof tokenizer === 'string') return ctx.skip(`Llama SPM vocab unavailable: ${tokenizer}`);
    expect(() => buildPromptTokens('doc', 'x '.repeat(100), tokenizer as Tokenizer, { contextSize: 40 })).toThrow(
      /template alone needs \d+ tokens but only 24 fit.*raise contextSize/,
    );
  });
});
