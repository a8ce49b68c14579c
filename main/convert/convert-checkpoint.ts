/**
 * Hugging Face llama or Qwen3 checkpoint folder -> GGUF, streamed: each tensor is read,
 * permuted (llama Q/K), converted and written in row blocks of a few MiB, so peak memory does
 * not grow with the model. Everything that can be checked before writing is checked first
 * (architecture, tensor names and shapes, tokenizer, free disk space).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { GgufWriter, encodeTensor, type GgmlTypeName } from '../../native/gguf';
import { ensureFreeSpace, freeBytesOnDisk, type FreeSpaceProbe } from './disk-space';
import { readBpeVocabulary } from './bpe-vocabulary';
import { readHfLlamaConfig } from './hf-config';
import { readCheckpointVocabulary } from './hf-tokenizer';
import { headDim, llamaTensorShapes, tensorTypeFor, writeLlamaMetadata, type OutputType } from './llama-gguf';
import { qwen3TensorShapes, writeQwen3Metadata } from './qwen3-gguf';
import { INSTRUCTION_GGUF_KEY, instructionInCheckpoint } from './ultrax-instruction';
import { SafetensorsSource, indexCheckpointTensors, type SafetensorsTensor } from './safetensors';
import { ggufNameFor, permuteHeadRows, permutedHeads } from './tensor-map';

export interface ConvertProgress {
  readonly tensor: string;
  readonly tensorsDone: number;
  readonly tensorsTotal: number;
  /** Source bytes read so far / in total: the unit of throughput. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface ConvertOptions {
  readonly outType: OutputType;
  readonly overwrite?: boolean;
  readonly onProgress?: (p: ConvertProgress) => void;
  /** Values per block read and written at once (memory bound); about 16 MiB of f32 by default. */
  readonly blockElements?: number;
  readonly freeSpace?: FreeSpaceProbe;
}

export interface ConvertResult {
  readonly outPath: string;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readonly tensors: number;
  readonly name: string;
}

interface PlannedTensor {
  ggufName: string;
  source: SafetensorsTensor;
  shape: number[];
  type: GgmlTypeName;
  heads: number;
}

export function planConversion(folder: string, outType: OutputType) {
  if (!existsSync(folder)) throw new Error(`${folder}: no such folder`);
  const config = readHfLlamaConfig(folder);
  const h = config.hyperparameters;
  const qwen3 = config.architecture === 'qwen3';
  const vocab = qwen3 ? { kind: 'bpe' as const, vocab: readBpeVocabulary(folder, h.vocabSize) } : { kind: 'spm' as const, vocab: readCheckpointVocabulary(folder, h.vocabSize) };
  const tensors = indexCheckpointTensors(folder);
  const byGguf = new Map<string, SafetensorsTensor>();
  const unknown: string[] = [];
  for (const t of tensors.values()) {
    const g = ggufNameFor(t.name);
    if (g === undefined) unknown.push(t.name);
    else if (g !== null) byGguf.set(g, t);
  }
  if (unknown.length > 0) {
    throw new Error(`${folder}: tensors not part of a plain ${config.architecture} model: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}`);
  }
  const plan: PlannedTensor[] = [];
  const missing: string[] = [];
  for (const { name, shape } of qwen3 ? qwen3TensorShapes(h) : llamaTensorShapes(h)) {
    const source = byGguf.get(name);
    if (!source) {
      // Tied embeddings: llama.cpp reuses token_embd when output.weight is absent.
      if (name === 'output.weight' && config.tieWordEmbeddings) continue;
      missing.push(name);
      continue;
    }
    if (source.shape.length !== shape.length || source.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`${source.file}: tensor ${source.name} has shape [${source.shape.join(', ')}] but config.json implies [${shape.join(', ')}]; the checkpoint and its config.json do not match`);
    }
    plan.push({ ggufName: name, source, shape, type: tensorTypeFor(shape, outType), heads: permutedHeads(name, h.heads, h.kvHeads, config.architecture) });
  }
  if (missing.length > 0) throw new Error(`${folder}: checkpoint is missing tensors for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
  const extra = [...byGguf.keys()].filter((n) => !plan.some((p) => p.ggufName === n));
  if (extra.length > 0) throw new Error(`${folder}: tensors beyond the ${h.layers} layers of config.json: ${extra.slice(0, 5).join(', ')}`);
  return { config, vocab, plan };
}

export function convertCheckpoint(folder: string, outPath: string, options: ConvertOptions): ConvertResult {
  const out = resolve(outPath);
  if (existsSync(out) && !options.overwrite) throw new Error(`${out} already exists; choose another --out or pass --force to replace it`);
  if (!existsSync(dirname(out))) throw new Error(`${dirname(out)}: output folder does not exist`);
  const { config, vocab, plan } = planConversion(folder, options.outType);
  const h = config.hyperparameters;
  const writer = new GgufWriter(out);
  const source = new SafetensorsSource();
  try {
    const meta = { name: config.name, outType: options.outType };
    if (vocab.kind === 'bpe') {
      writeQwen3Metadata(writer, h, vocab.vocab, meta);
      // An UltraX checkpoint from its Hub repository brings the system instruction its prompts need.
      const instruction = instructionInCheckpoint(folder);
      if (instruction) writer.set(INSTRUCTION_GGUF_KEY, 'string', instruction.text);
    } else writeLlamaMetadata(writer, h, vocab.vocab, meta);
    for (const t of plan) writer.addTensor(t.ggufName, t.shape, t.type);
    ensureFreeSpace(dirname(out), writer.plannedFileSize(), options.freeSpace ?? freeBytesOnDisk);
    writer.begin();
    const bytesTotal = plan.reduce((a, t) => a + t.source.byteLength, 0);
    let bytesDone = 0;
    const blockElements = options.blockElements ?? 4 << 20;
    plan.forEach((t, index) => {
      const rowLength = t.shape[t.shape.length - 1];
      const rows = t.shape.length === 1 ? 1 : t.shape[0];
      // Whole heads per block for Q/K so the permutation stays local to the block.
      const unit = t.heads > 0 ? headDim(h) : 1;
      const rowsPerBlock = Math.max(unit, Math.floor(blockElements / rowLength / unit) * unit);
      for (let r = 0; r < rows; r += rowsPerBlock) {
        const count = Math.min(rowsPerBlock, rows - r);
        let block = source.readRows(t.source, r, count);
        if (t.heads > 0) block = permuteHeadRows(block, rowLength, unit);
        writer.writeTensorData(t.ggufName, encodeTensor(block, t.type as Exclude<GgmlTypeName, 'BF16'>));
        bytesDone += (t.source.byteLength * count) / rows;
        options.onProgress?.({ tensor: t.ggufName, tensorsDone: index, tensorsTotal: plan.length, bytesDone, bytesTotal });
      }
    });
    options.onProgress?.({ tensor: '', tensorsDone: plan.length, tensorsTotal: plan.length, bytesDone, bytesTotal });
    const bytesWritten = writer.plannedFileSize();
    writer.finish();
    return { outPath: out, bytesRead: bytesTotal, bytesWritten, tensors: plan.length, name: config.name };
  } catch (err) {
    writer.abort();
    throw err;
  } finally {
    source.close();
  }
}
