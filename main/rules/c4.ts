/**
 * datatrove C4QualityFilter (src/datatrove/pipeline/filters/c4_filters.py) projected onto
 * program operations.
 *
 * The reference walks the lines, drops some, edits citations out of the others, and checks
 * the document-level rules (lorem ipsum, "{", sentence count) only on lines that survived the
 * line rules before them. Here the same walk yields:
 * - a line removal for every line a line rule rejects (chunk stage `remove_lines`),
 * - the citation markers found in kept lines (chunk stage `normalize`, which the executor
 *   applies to the whole document, as the reference does to every kept line),
 * - the first document-level failure (doc stage `drop_doc()`), and
 * - the text the reference would hand to the next filter (kept lines, stripped, joined by "\n").
 * Unlike the reference, the walk goes on after a document-level failure so the chunk program
 * is complete even for a dropped document.
 *
 * Lines are the ProX lines (`text.split("\n")`); the reference uses `str.splitlines()`, which
 * also breaks at \r, \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029. A "\r\n" ending is the same
 * either way (the \r is stripped); other such characters inside a line are not split here.
 */
import { isOn, threshold, type RuleConfig } from './config';
import type { DocumentView } from './document-view';
import { countSentencesInTokens, splitIntoWords, stripPython } from './tokenize';
import { compareReason, type DocFailure, type LineRemoval, type Normalization } from './verdict';

const CITATION = /\[\d*\]|\[edit\]|\[citation needed\]/g;
const END_PUNCTUATION = ['.', '?', '!', '"', "'"];
const POLICY_PHRASES = ['terms of use', 'privacy policy', 'cookie policy', 'uses cookies', 'use of cookies', 'use cookies'];

export interface C4Result {
  readonly failure?: DocFailure;
  readonly removals: readonly LineRemoval[];
  readonly normalizations: readonly Normalization[];
  /** The document as the reference passes it on: kept lines, citations removed, joined by "\n". */
  readonly keptText: string;
  /** `len(split_into_words(keptText))`, from the shared tokens. */
  readonly keptWordCount: number;
}

/** Case-insensitive pre-check, so most lines skip lower-casing and the phrase scans. */
const ANY_PHRASE = /lorem ipsum|javascript|terms of use|privacy policy|cookie policy|uses cookies|use of cookies|use cookies/i;

export function runC4(view: DocumentView, config: RuleConfig): C4Result {
  const maxWordLength = threshold(config, 'c4.max_word_length');
  const removeCitations = isOn(config, 'c4.citations');
  const terminalPunct = isOn(config, 'c4.terminal_punct');
  const minWords = threshold(config, 'c4.min_words_per_line');
  const loremIpsum = isOn(config, 'c4.lorem_ipsum');
  const javascript = isOn(config, 'c4.javascript');
  const curly = isOn(config, 'c4.curly_bracket');
  const policy = isOn(config, 'c4.policy');
  const minSentences = threshold(config, 'c4.min_sentences');

  const { lines, lineWordCounts, lineLongestWord } = view;
  const removals: LineRemoval[] = [];
  const citations = new Set<string>();
  const kept: string[] = [];
  let keptTokens = 0;
  let failure: DocFailure | undefined;
  let sentences = 0;

  for (let index = 0; index < lines.length; index++) {
    let line = stripPython(lines[index] as string);
    const words = lineWordCounts[index] as number;
    if (maxWordLength !== undefined) {
      const longest = lineLongestWord[index] as number;
      if (longest > maxWordLength) {
        removals.push({ line: index, rule: 'c4.max_word_length', reason: compareReason('c4', 'longest word', longest, '>', maxWordLength) });
        continue;
      }
    }
    let markers: RegExpMatchArray | null = null;
    if (removeCitations && line.includes('[')) {
      markers = line.match(CITATION);
      if (markers) line = line.replace(CITATION, '');
    }
    if (terminalPunct && (!END_PUNCTUATION.some((end) => line.endsWith(end)) || line.endsWith('...'))) {
      removals.push({ line: index, rule: 'c4.terminal_punct', reason: line.endsWith('...') ? 'c4: ends with an ellipsis' : 'c4: no terminal punctuation' });
      continue;
    }
    if (minWords !== undefined && words < minWords) {
      removals.push({ line: index, rule: 'c4.min_words_per_line', reason: compareReason('c4', 'words', words, '<', minWords) });
      continue;
    }
    const lower = ANY_PHRASE.test(line) ? line.toLowerCase() : '';
    if (loremIpsum && failure === undefined && lower.includes('lorem ipsum')) {
      failure = { rule: 'c4.lorem_ipsum', reason: `c4: line ${index} contains "lorem ipsum"` };
    }
    if (javascript && lower.includes('javascript')) {
      removals.push({ line: index, rule: 'c4.javascript', reason: 'c4: mentions javascript' });
      continue;
    }
    if (curly && failure === undefined && line.includes('{')) {
      failure = { rule: 'c4.curly_bracket', reason: `c4: line ${index} contains a curly bracket` };
    }
    if (policy && lower !== '') {
      const phrase = POLICY_PHRASES.find((p) => lower.includes(p));
      if (phrase !== undefined) {
        removals.push({ line: index, rule: 'c4.policy', reason: `c4: policy phrase "${phrase}"` });
        continue;
      }
    }
    // A line's tokens are shared with the other groups unless a citation edit changed the line.
    if (markers) {
      // Only markers in kept lines become operations: a removed line needs no normalize.
      for (const marker of markers) citations.add(marker);
      const own = splitIntoWords(line);
      keptTokens += own.length;
      if (minSentences !== undefined && sentences < minSentences) sentences += countSentencesInTokens(own, 0, own.length);
    } else {
      const { tokens, lineStarts } = view.tokens;
      const from = lineStarts[index] as number;
      const to = lineStarts[index + 1] as number;
      keptTokens += to - from;
      // Only "fewer than minSentences" matters: once reached, counting further changes nothing.
      if (minSentences !== undefined && sentences < minSentences) sentences += countSentencesInTokens(tokens, from, to);
    }
    kept.push(line);
  }
  if (failure === undefined && minSentences !== undefined && sentences < minSentences) {
    failure = { rule: 'c4.min_sentences', reason: compareReason('c4', 'sentences in kept lines', sentences, '<', minSentences) };
  }
  const normalizations: Normalization[] = [...citations].map((source) => ({
    source,
    target: '',
    rule: 'c4.citations',
    reason: `c4: citation marker ${source}`,
  }));
  return { failure, removals, normalizations, keptText: stripPython(kept.join('\n')), keptWordCount: keptTokens };
}
