/**
 * The fixture files the suite reads, all inside the repository (test/fixtures, see its README):
 * a fresh clone runs every test, so a missing fixture is a failure, never a skip.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures');
/** Real web pages with ProX-style gold labels: `docs.jsonl` and `gold.jsonl`, same ids and order. */
export const DEVSET_DIR = join(FIXTURES_DIR, 'devset');
export const DEVSET_DOCS = join(DEVSET_DIR, 'docs.jsonl');
export const DEVSET_GOLD = join(DEVSET_DIR, 'gold.jsonl');
/** The Llama-2 SentencePiece tokenizer.model (the released ProX models' vocabulary). */
export const LLAMA2_TOKENIZER_MODEL = join(FIXTURES_DIR, 'llama2-tokenizer.model');
/** Malformed corpus files, one per reader error. */
export const BAD_INPUT_DIR = join(FIXTURES_DIR, 'corpus');

