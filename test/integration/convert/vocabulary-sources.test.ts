/**
 * Two independent sources of the Llama-2 vocabulary must agree: our protobuf reading of the
 * fixture tokenizer.model, and llama.cpp's own conversion of it (the vocab-only GGUF in
 * node-llama-cpp's bundle).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSentencePieceModel, sentencePieceVocabulary } from '../../../main/convert/sentencepiece';
import { TOKEN_TYPE } from '../../../main/convert/vocabulary';
import { LLAMA2_TOKENIZER_MODEL as tokenizerModel } from '../../support/fixtures';
import { llama2Vocabulary } from '../../support/tiny-model';

describe('SentencePiece tokenizer.model (fixture test/fixtures/llama2-tokenizer.model)', () => {
  it('parses 32000 pieces with the Llama-2 specials and byte tokens', () => {
    const m = parseSentencePieceModel(readFileSync(tokenizerModel), tokenizerModel);
    expect(m.pieces).toHaveLength(32000);
    expect(m.pieces.slice(0, 3).map((p) => [p.piece, p.type])).toEqual([['<unk>', TOKEN_TYPE.UNKNOWN], ['<s>', TOKEN_TYPE.CONTROL], ['</s>', TOKEN_TYPE.CONTROL]]);
    expect(m.pieces[3]).toMatchObject({ piece: '<0x00>', type: TOKEN_TYPE.BYTE });
    expect(m.pieces[13]).toMatchObject({ piece: '<0x0A>', type: TOKEN_TYPE.BYTE });
    expect(m.pieces[518].piece).toBe('▁[');
    expect([m.unkId, m.bosId, m.eosId, m.padId, m.modelType, m.addDummyPrefix]).toEqual([0, 1, 2, -1, 2, true]);
  });

  it('equals llama.cpp’s own conversion of the same model, piece by piece', () => {
    const ours = sentencePieceVocabulary(parseSentencePieceModel(readFileSync(tokenizerModel), tokenizerModel));
    const theirs = llama2Vocabulary();
    expect(ours.tokens).toEqual(theirs.tokens);
    expect(ours.types).toEqual(theirs.types);
    expect(ours.scores).toEqual(theirs.scores);
    expect([ours.unkId, ours.bosId, ours.eosId]).toEqual([theirs.unkId, theirs.bosId, theirs.eosId]);
  });
});

describe('SentencePiece parser errors', () => {
  it('names the file for garbage and for truncated input', () => {
    expect(() => parseSentencePieceModel(new Uint8Array([0x0a, 0x50, 1, 2]), 'x/tokenizer.model')).toThrow(/x\/tokenizer\.model: not a SentencePiece model/);
    expect(() => parseSentencePieceModel(new Uint8Array([]), 'y.model')).toThrow(/y\.model: not a SentencePiece model .*no pieces/);
  });
});
