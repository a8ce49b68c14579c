/**
 * A scripted llama GGUF: a real model file that llama.cpp runs like any other, whose greedy
 * output is chosen by the test. Its next token depends only on the current one:
 *
 * - every block's `attn_output` and `ffn_down` are zero, so the residual stream at the last
 *   position is just that token's embedding, whatever came before it;
 * - each token of the script has a one-hot embedding of its own ("state"); every other token
 *   shares state 0;
 * - `output.weight` gives the token that follows each state a large logit from that state's
 *   dimension: state 0 leads to the script's first token, each script token to the next one,
 *   the last to EOS (or, for a looping script, back to the loop's first token).
 *
 * So after any prompt whose last token is not in the script, greedy decoding writes the script.
 * A token can stand for only one state, so the script spells a repeated piece another way the
 * second time (a shorter piece, or its byte tokens: `=` then `<0x3D>`); `spellScript` does that
 * and throws when the text cannot be spelled with distinct tokens (Llama-2 has only one newline
 * token, so a script holds at most one `\n`).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GgufWriter, encodeTensor } from '../../native/gguf';
import { declareLlamaTensors, writeLlamaMetadata, type LlamaHyperparameters } from '../../main/convert/llama-gguf';
import { TOKEN_TYPE, type Vocabulary } from '../../main/convert/vocabulary';
import { GENERATED_DIR, llama2Vocabulary } from './tiny-model';

export interface ScriptedLlamaOptions {
  readonly vocabulary: Vocabulary;
  /** What the model writes after a token not in the script. */
  readonly text: string;
  /** 'eos': the text, then EOS. 'loop': the text again and again, until a token limit stops it. */
  readonly end: 'eos' | 'loop';
  /** Context length written into the GGUF (default 2,048, as the ProX models). */
  readonly context?: number;
}

/** The logit the chosen next token gets (times sqrt(hidden) after the final RMSNorm); all others get 0. */
const NEXT_TOKEN_WEIGHT = 8;

/**
 * Token ids that spell `text`, each id at most once: the longest vocabulary piece not used yet
 * at each position (a space is SentencePiece's `▁`), else the UTF-8 byte tokens.
 */
export function spellScript(vocabulary: Vocabulary, text: string): number[] {
  const pieces = new Map<string, number>();
  const bytes = new Map<number, number>();
  vocabulary.tokens.forEach((piece, id) => {
    const type = vocabulary.types[id];
    if (type === TOKEN_TYPE.NORMAL) pieces.set(piece, id);
    else if (type === TOKEN_TYPE.BYTE) {
      const match = /^<0x([0-9A-F]{2})>$/i.exec(piece);
      if (match) bytes.set(parseInt(match[1]!, 16), id);
    }
  });
  const longest = Math.max(...[...pieces.keys()].map((p) => p.length));
  const spelled = text.replaceAll(' ', '▁');
  const used = new Set<number>();
  const ids: number[] = [];
  let at = 0;
  while (at < spelled.length) {
    let taken = 0;
    for (let n = Math.min(longest, spelled.length - at); n >= 1; n--) {
      const id = pieces.get(spelled.slice(at, at + n));
      if (id !== undefined && !used.has(id)) {
        used.add(id);
        ids.push(id);
        taken = n;
        break;
      }
    }
    if (taken > 0) {
      at += taken;
      continue;
    }
    const char = String.fromCodePoint(spelled.codePointAt(at)!);
    const utf8 = Buffer.from(char.replaceAll('▁', ' '), 'utf8');
    for (const byte of utf8) {
      const id = bytes.get(byte);
      if (id === undefined || used.has(id)) {
        throw new Error(`spellScript: cannot spell ${JSON.stringify(text)} with distinct tokens: ${JSON.stringify(char)} at ${at} has no unused piece or byte token left`);
      }
      used.add(id);
      ids.push(id);
    }
    at += char.length;
  }
  return ids;
}

/** The hidden size: one dimension per state (state 0 and one per script token), rounded up to whole 64s. */
function hiddenFor(states: number): number {
  return Math.max(64, Math.ceil(states / 64) * 64);
}

/** Writes the scripted model; returns the script's token ids. */
export function writeScriptedLlamaGguf(path: string, options: ScriptedLlamaOptions): number[] {
  const vocabulary = options.vocabulary;
  const script = spellScript(vocabulary, options.text);
  if (script.length === 0) throw new Error('writeScriptedLlamaGguf: the script is empty');
  const vocabSize = vocabulary.tokens.length;
  const hidden = hiddenFor(script.length + 1);
  const h: LlamaHyperparameters = { layers: 1, hidden, heads: 2, kvHeads: 1, ffn: 64, context: options.context ?? 2048, vocabSize, rmsEps: 1e-5, ropeTheta: 10000 };
  const stateOf = new Map<number, number>(script.map((id, i) => [id, i + 1]));
  const next = (state: number): number => {
    if (state === 0) return script[0]!;
    if (state < script.length) return script[state]!;
    return options.end === 'loop' ? script[0]! : vocabulary.eosId;
  };

  mkdirSync(dirname(path), { recursive: true });
  const writer = new GgufWriter(path);
  try {
    writeLlamaMetadata(writer, h, vocabulary, { name: 'refinery-scripted-llama', outType: 'f16' });
    const plan = declareLlamaTensors(writer, h, 'f16');
    writer.begin();
    for (const t of plan) {
      const [rows, columns] = t.shape.length === 1 ? [1, t.shape[0]!] : [t.shape[0]!, t.shape[1]!];
      const values = new Float32Array(rows * columns);
      if (t.shape.length === 1) values.fill(1); // norms
      else if (t.name === 'token_embd.weight') {
        for (let token = 0; token < rows; token++) values[token * columns + (stateOf.get(token) ?? 0)] = 1;
      } else if (t.name === 'output.weight') {
        for (let state = 0; state <= script.length; state++) values[next(state) * columns + state] = NEXT_TOKEN_WEIGHT;
      }
      // Every other matrix stays zero: attention and feed-forward add nothing to the residual.
      writer.writeTensorData(t.name, encodeTensor(values, t.type as Exclude<typeof t.type, 'BF16'>));
    }
    writer.finish();
  } catch (err) {
    writer.abort();
    throw err;
  }
  return script;
}

/**
 * A scripted model with the Llama-2 vocabulary (and the checkpoint's `legacy` setting when
 * given), written once per machine under test/.generated/models, named by its script.
 */
export function scriptedModelPath(options: Omit<ScriptedLlamaOptions, 'vocabulary'>, legacy?: boolean): { path: string; script: number[] } {
  const vocabulary: Vocabulary = legacy === undefined ? llama2Vocabulary() : { ...llama2Vocabulary(), legacy };
  const name = createHash('sha256').update(JSON.stringify({ ...options, legacy: legacy ?? null, v: 1 })).digest('hex').slice(0, 16);
  const path = join(GENERATED_DIR, 'models', `scripted-${name}.gguf`);
  const script = spellScript(vocabulary, options.text);
  if (!existsSync(path)) {
    const tmp = `${path}.${process.pid}.tmp`;
    writeScriptedLlamaGguf(tmp, { ...options, vocabulary });
    renameSync(tmp, path);
  }
  return { path, script };
}
