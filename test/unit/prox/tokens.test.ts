import { describe, expect, it } from 'vitest';
import { chunkDocument, numberLine } from '../../../main/prox/chunker';
import { approximateTokenCounter, estimateLlamaTokens } from '../../../main/prox/tokens';
import { loadDevset } from '../../support/devset';
import { loadLlamaSpmTokenizer } from '../../support/llama-vocab';

describe('estimateLlamaTokens', () => {
  it('is 0 only for empty text and at least 1 otherwise', () => {
    expect(estimateLlamaTokens('')).toBe(0);
    expect(estimateLlamaTokens(' ')).toBe(1);
    expect(estimateLlamaTokens('a')).toBe(1);
    expect(approximateTokenCounter.count('')).toBe(0);
  });

  it('charges what SentencePiece charges: digits one each, byte-fallback characters several', () => {
    // Every digit is its own token in the Llama vocabulary.
    expect(estimateLlamaTokens('1234567890') - estimateLlamaTokens('12345')).toBeGreaterThanOrEqual(5);
    // An astral character (emoji) falls back to 4 byte tokens; more than a plain letter.
    expect(estimateLlamaTokens('😀😀😀😀')).toBeGreaterThan(estimateLlamaTokens('abcd') * 3);
  });

  it('is within a few percent of the real Llama-2 count on the devset (documents and chunks)', async (ctx) => {
    const tokenizer = await loadLlamaSpmTokenizer();
    if (typeof tokenizer === 'string') return ctx.skip(`Llama SPM vocab unavailable: ${tokenizer}`);
    const devset = loadDevset();
    const docErrors: number[] = [];
    const chunkErrors: number[] = [];
    let underBudget = 0;
    let overBudget = 0;
    for (const { text } of devset.docs) {
      const lines = text.split('\n').map((line, i) => numberLine(i, line));
      const real = lines.reduce((sum, l) => sum + tokenizer.count(l), 0);
      const estimate = lines.reduce((sum, l) => sum + estimateLlamaTokens(l), 0);
      docErrors.push((estimate - real) / real);
      // Chunks cut with the estimate, measured with the real tokenizer (the budget counts +1 per line).
      for (const chunk of chunkDocument(text)) {
        if (chunk.overlong) continue;
        const realChunk = chunk.text.split('\n').reduce((sum, l) => sum + tokenizer.count(l) + 1, 0);
        chunkErrors.push((chunk.tokens - realChunk) / realChunk);
        if (realChunk > 1500) overBudget++;
        else underBudget++;
      }
    }
    const meanAbs = (xs: number[]): number => xs.reduce((s, x) => s + Math.abs(x), 0) / xs.length;
    const worst = (xs: number[]): number => Math.max(...xs.map(Math.abs));
    const figures = {
      documents: docErrors.length,
      docMeanAbsError: meanAbs(docErrors),
      docWorstError: worst(docErrors),
      docMeanSignedError: docErrors.reduce((s, x) => s + x, 0) / docErrors.length,
      chunks: chunkErrors.length,
      chunkMeanAbsError: meanAbs(chunkErrors),
      chunkWorstError: worst(chunkErrors),
      chunksOverRealBudget: overBudget,
    };
    console.info('approximate token counter vs Llama-2 SPM on the devset:', JSON.stringify(figures));
    expect(figures.docMeanAbsError).toBeLessThan(0.04);
    expect(figures.docWorstError).toBeLessThan(0.12);
    expect(Math.abs(figures.docMeanSignedError)).toBeLessThan(0.02);
    expect(figures.chunkMeanAbsError).toBeLessThan(0.05);
    expect(figures.chunkWorstError).toBeLessThan(0.15);
    // Most estimate-cut chunks must really fit the budget; a few percent over is the documented risk.
    expect(overBudget).toBeLessThanOrEqual(Math.ceil(0.3 * (overBudget + underBudget)));
  });
});
