/**
 * Splits a document into the numbered chunks the chunk-stage model reads (GAIR-NLP/ProX's
 * `trunc_text`): document-global `[000]`-numbered lines packed greedily under a
 * token budget, no overlap. Line numbers stay document-global so the programs of all chunks
 * can be joined and executed against the whole document.
 */
import { approximateTokenCounter, type TokenCounter } from './tokens';

export const DEFAULT_CHUNK_BUDGET = 1500;
/** The reference pads line numbers to at least this many digits. */
const MIN_NUMBER_DIGITS = 3;

export interface Chunk {
  /** 0-based position of the chunk in the document. */
  index: number;
  /** 0-based document line of the first and last line in the chunk, inclusive. */
  firstLine: number;
  lastLine: number;
  lines: number;
  /** The numbered lines joined by "\n" (what goes between `[doc]\n` and `\n[/doc]`). */
  text: string;
  /** Reference cost: sum over lines of (tokens of the numbered line + 1 for the BOS the reference counts). */
  tokens: number;
  /** A single line whose cost exceeds the budget. Such a line is always a chunk of its own. */
  overlong: boolean;
  /** Not to be sent to the model (an over-long line under the default 'skip' policy). */
  skipped: boolean;
}

export interface ChunkOptions {
  /** Token budget per chunk (reference: 1,500). */
  budget?: number;
  /** Token counter; the loaded model's tokenizer when there is one. Default: the Llama-2 estimate. */
  counter?: TokenCounter;
  /**
   * What to do with a line whose cost alone exceeds the budget: 'skip' (default) marks its chunk
   * skipped, as the paper's Algorithm 1 says; 'send' sends it anyway, as the reference code does
   * (its prompt usually overflows the context and the model returns nothing).
   */
  overlong?: 'skip' | 'send';
}

/** `[007]text`: the reference format `[{i:03d}]{line}`, wider numbers beyond 999, no space. */
export function numberLine(index: number, line: string): string {
  return `[${String(index).padStart(MIN_NUMBER_DIGITS, '0')}]${line}`;
}

export function chunkDocument(text: string, options: ChunkOptions = {}): Chunk[] {
  if (text.length === 0) return [];
  const budget = options.budget ?? DEFAULT_CHUNK_BUDGET;
  if (!(budget > 0)) throw new RangeError(`chunk budget must be a positive number of tokens, got ${budget}`);
  const counter = options.counter ?? approximateTokenCounter;
  const skipOverlong = (options.overlong ?? 'skip') === 'skip';

  const chunks: Chunk[] = [];
  let current: string[] = [];
  let first = 0;
  let tokens = 0;
  const close = (): void => {
    if (current.length === 0) return;
    const overlong = current.length === 1 && tokens > budget;
    chunks.push({
      index: chunks.length,
      firstLine: first,
      lastLine: first + current.length - 1,
      lines: current.length,
      text: current.join('\n'),
      tokens,
      overlong,
      skipped: overlong && skipOverlong,
    });
    current = [];
    tokens = 0;
  };

  // Split on "\n" only, like Python's str.split("\n"): "\r" stays, a trailing "\n" gives an empty last line.
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const numbered = numberLine(i, lines[i]!);
    const cost = counter.count(numbered) + 1;
    if (current.length > 0 && tokens + cost > budget) close();
    if (current.length === 0) first = i;
    current.push(numbered);
    tokens += cost;
  }
  close();
  return chunks;
}

/** The reference `chunk_program`: the programs of a document's chunks joined with "\n" (empty ones give empty lines). */
export function mergeChunkPrograms(programs: readonly string[]): string {
  return programs.join('\n');
}

/**
 * The reference `merge_chunks`: regroup a flat list of per-chunk items into one joined string
 * per document, given how many chunks each document has (0 gives "").
 * `mergeChunks(["a","b","c","d"], [1, 0, 3])` is `["a", "", "b\nc\nd"]`.
 */
export function mergeChunks(items: readonly string[], chunksPerDocument: readonly number[]): string[] {
  const total = chunksPerDocument.reduce((sum, n) => sum + n, 0);
  if (total !== items.length || chunksPerDocument.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new RangeError(
      `mergeChunks: chunk counts [${chunksPerDocument.join(', ')}] must be non-negative integers summing to ${items.length} (the number of items), got sum ${total}`,
    );
  }
  const merged: string[] = [];
  let offset = 0;
  for (const n of chunksPerDocument) {
    merged.push(mergeChunkPrograms(items.slice(offset, offset + n)));
    offset += n;
  }
  return merged;
}
