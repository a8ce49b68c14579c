/**
 * A small SentencePiece-style vocabulary for test models: <unk>, <s>, </s>, the 256 byte
 * tokens, printable ASCII, and the words of the ProX prompts and programs with every prefix,
 * so llama.cpp's SPM merge (which only joins pairs whose concatenation is a piece) reaches
 * whole words like "▁drop" or "normalize" instead of spelling them out letter by letter.
 */
import { TOKEN_TYPE, type Vocabulary } from '../../main/convert/vocabulary';

const WORDS = [
  // program language
  'drop_doc()', 'keep_doc()', 'keep_chunk()', 'untouch_doc()', 'skip_chunk()', 'remove_lines', 'normalize',
  'line_start', 'line_end', 'start', 'end', 'source_str', 'target_str', 'all', 'True', 'drop', 'keep', 'doc', 'chunk',
  'remove', 'lines', 'source', 'target', 'str', '()', '="', '",', '")', '=', '[doc]', '[/doc]',
  // chat wrapper and system prompt
  '[INST]', '[/INST]', 'INST', '<<SYS>>', '<</SYS>>', 'SYS', '<<', '>>', 'You', 'are', 'a', 'helpful', 'respectful',
  'and', 'honest', 'assistant',
  // common web-page words
  'the', 'of', 'to', 'in', 'is', 'for', 'on', 'with', 'this', 'that', 'page', 'Home', 'About', 'Contact', 'Welcome',
  'Copyright', 'All', 'rights', 'reserved', 'Privacy', 'Policy', 'Terms', 'Login', 'Menu', 'Search', 'Click', 'here',
  'text', 'body', 'Some', 'http', 'https', '://', 'www', '.com', 'the',
];

export function tinyVocabulary(): Vocabulary {
  const tokens: string[] = ['<unk>', '<s>', '</s>'];
  const types: number[] = [TOKEN_TYPE.UNKNOWN, TOKEN_TYPE.CONTROL, TOKEN_TYPE.CONTROL];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN_TYPE.BYTE);
  }
  const pieces = new Set<string>(['▁']);
  for (let c = 0x21; c < 0x7f; c++) pieces.add(String.fromCharCode(c));
  for (const word of WORDS) {
    for (const w of [word, `▁${word}`]) {
      const chars = [...w];
      for (let n = 2; n <= chars.length; n++) pieces.add(chars.slice(0, n).join(''));
    }
  }
  // Shorter pieces first and higher scores first: llama.cpp merges the best-scoring pair, and a
  // piece's prefixes must be reachable before the piece itself.
  const ordered = [...pieces].sort((a, b) => [...a].length - [...b].length || (a < b ? -1 : a > b ? 1 : 0));
  const scores: number[] = [0, 0, 0, ...new Array<number>(256).fill(0)];
  ordered.forEach((p, i) => {
    tokens.push(p);
    types.push(TOKEN_TYPE.NORMAL);
    scores.push(-i);
  });
  return { tokens, scores, types, unkId: 0, bosId: 1, eosId: 2, addBos: true, addEos: false, addSpacePrefix: true };
}
