/**
 * Reads a SentencePiece `tokenizer.model` (a protobuf ModelProto) into a Vocabulary.
 * Only the fields a GGUF needs are decoded: ModelProto.pieces (piece, score, type),
 * TrainerSpec's model type and special ids, NormalizerSpec.add_dummy_prefix. The wire
 * format is small enough to read directly, which avoids a protobuf runtime and schema files.
 */
import { TOKEN_TYPE, type Vocabulary } from './vocabulary';

class ProtoReader {
  pos: number;
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly where: string,
    start = 0,
    readonly end = bytes.byteLength,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(message: string): never {
    throw new Error(`${this.where}: not a SentencePiece model (byte ${this.pos}: ${message})`);
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let result = 0;
    let shift = 0;
    while (true) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const b = this.bytes[this.pos++];
      // Fields read with varint() are small non-negative values; int32() handles negatives.
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) break;
      if (shift > 70) this.fail('varint too long');
    }
    return result;
  }

  /** Negative int32 values are 10-byte varints; only their low 32 bits matter. */
  int32(): number {
    let low = 0;
    let shift = 0;
    while (true) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const b = this.bytes[this.pos++];
      if (shift < 32) low |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
      if (shift > 70) this.fail('varint too long');
    }
    return low | 0;
  }

  /** Returns [field, wireType]. */
  tag(): [number, number] {
    const t = this.varint();
    return [Math.floor(t / 8), t & 7];
  }

  float(): number {
    if (this.pos + 4 > this.end) this.fail('truncated float');
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Bounds of a length-delimited field. */
  sub(): [number, number] {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) this.fail('length-delimited field runs past its message');
    this.pos += len;
    return [start, start + len];
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0: this.varint(); break;
      case 1: this.pos += 8; break;
      case 2: this.sub(); break;
      case 5: this.pos += 4; break;
      default: this.fail(`unsupported wire type ${wireType}`);
    }
    if (this.pos > this.end) this.fail('field runs past its message');
  }
}

export interface SentencePieceModel {
  readonly pieces: { piece: string; score: number; type: number }[];
  /** TrainerSpec.model_type: 1 unigram, 2 BPE, 3 word, 4 char. */
  readonly modelType: number;
  readonly unkId: number;
  readonly bosId: number;
  readonly eosId: number;
  /** -1 when the model has no padding piece. */
  readonly padId: number;
  readonly addDummyPrefix: boolean;
}

// ignoreBOM: Llama-2 has a piece that is exactly U+FEFF, which the default decoder would swallow.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function parseSentencePieceModel(bytes: Uint8Array, where = 'tokenizer.model'): SentencePieceModel {
  const r: ProtoReader = new ProtoReader(bytes, where);
  const pieces: { piece: string; score: number; type: number }[] = [];
  let modelType = 1;
  let unkId = 0;
  let bosId = 1;
  let eosId = 2;
  let padId = -1;
  let addDummyPrefix = true;
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === 2) {
      const [s, e] = r.sub();
      const p: ProtoReader = new ProtoReader(bytes, where, s, e);
      let piece: string | undefined;
      let score = 0;
      let type: number = TOKEN_TYPE.NORMAL;
      while (!p.done()) {
        const [f, w] = p.tag();
        if (f === 1 && w === 2) {
          const [a, b] = p.sub();
          try {
            piece = decoder.decode(bytes.subarray(a, b));
          } catch {
            p.fail(`piece ${pieces.length} is not valid UTF-8`);
          }
        } else if (f === 2 && w === 5) score = p.float();
        else if (f === 3 && w === 0) type = p.varint();
        else p.skip(w);
      }
      if (piece === undefined) r.fail(`piece ${pieces.length} has no text`);
      pieces.push({ piece, score, type });
    } else if (field === 2 && wire === 2) {
      const [s, e] = r.sub();
      const t = new ProtoReader(bytes, where, s, e);
      while (!t.done()) {
        const [f, w] = t.tag();
        if (f === 3 && w === 0) modelType = t.varint();
        else if (f === 40 && w === 0) unkId = t.int32();
        else if (f === 41 && w === 0) bosId = t.int32();
        else if (f === 42 && w === 0) eosId = t.int32();
        else if (f === 43 && w === 0) padId = t.int32();
        else t.skip(w);
      }
    } else if (field === 3 && wire === 2) {
      const [s, e] = r.sub();
      const n = new ProtoReader(bytes, where, s, e);
      while (!n.done()) {
        const [f, w] = n.tag();
        if (f === 3 && w === 0) addDummyPrefix = n.varint() !== 0;
        else n.skip(w);
      }
    } else r.skip(wire);
  }
  if (pieces.length === 0) r.fail('no pieces found');
  return { pieces, modelType, unkId, bosId, eosId, padId, addDummyPrefix };
}

/** A GGUF-ready vocabulary from a SentencePiece model; add-BOS/EOS come from tokenizer_config.json when known. */
export function sentencePieceVocabulary(
  model: SentencePieceModel,
  flags: { addBos?: boolean; addEos?: boolean } = {},
): Vocabulary {
  return {
    tokens: model.pieces.map((p) => p.piece),
    scores: model.pieces.map((p) => p.score),
    types: model.pieces.map((p) => p.type),
    unkId: model.unkId,
    bosId: model.bosId,
    eosId: model.eosId,
    ...(model.padId >= 0 ? { padId: model.padId } : {}),
    addBos: flags.addBos ?? true,
    addEos: flags.addEos ?? false,
    addSpacePrefix: model.addDummyPrefix,
  };
}
