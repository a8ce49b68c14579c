/** The loaded model's own tokenizer, seen through main/prox's `Tokenizer` interface. */
import type { Tokenizer } from '../prox/tokens';
import type { NativeTokenizer } from '../../native/llama/model';

export function proxTokenizer(native: NativeTokenizer, path: string): Tokenizer {
  if (native.bos === null || native.eos === null) {
    throw new Error(`${path}: the model's vocabulary has no BOS/EOS token; ProX prompts need both (Llama-2 vocabulary expected).`);
  }
  return {
    bos: native.bos,
    eos: native.eos,
    tokenize: (text, options) => native.encode(text, options?.special ?? false),
    detokenize: (tokens) => native.decode(tokens),
    count: (text) => native.encode(text, false).length,
    ...(native.legacy !== undefined ? { legacy: native.legacy } : {}),
    ...(native.addBos !== undefined ? { addBos: native.addBos } : {}),
  };
}
