/**
 * The system instruction UltraX's model was trained with. It is part of UltraX's code
 * (`SYSTEM_INSTRUCTION` in stage2_large_scale_execution/inference/inference.py), whose
 * licence forbids redistributing it, so Refinery never ships it: it is read from the user's
 * own copy of that file, which comes with the model's Hugging Face repository
 * (`code/stage2_large_scale_execution/inference/inference.py`) and with the GitHub
 * repository. Converting the checkpoint keeps it in the GGUF (`refinery.ultrax.system_instruction`).
 *
 * The SHA-256 of the released text is pinned, so a different one is noticed and recorded.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** SHA-256 of SYSTEM_INSTRUCTION (UTF-8) as released in openbmb/UltraX at ULTRAX_CODE_COMMIT. */
export const RELEASED_INSTRUCTION_SHA256 = 'ee25baec3b9412fbf47c334c02daa915b0f99b40ac8e4a7fed9dd0d8fc85f32c';
export const ULTRAX_CODE_COMMIT = 'd3f4b96f5599edcaffd2ad39ff06da55f4d3d056';
export const INFERENCE_SCRIPT = 'stage2_large_scale_execution/inference/inference.py';
/** Where the script sits in the model's Hugging Face repository. */
export const INFERENCE_SCRIPT_IN_MODEL_REPO = `code/${INFERENCE_SCRIPT}`;
/** GGUF metadata key a converted UltraX model keeps the instruction under. */
export const INSTRUCTION_GGUF_KEY = 'refinery.ultrax.system_instruction';

export interface UltraxInstruction {
  readonly text: string;
  readonly sha256: string;
  /** True when it is the released text (the hash matches). */
  readonly released: boolean;
  /** Where it was read from, for messages. */
  readonly source: string;
}

export function describeInstruction(text: string, source: string): UltraxInstruction {
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  return { text, sha256, released: sha256 === RELEASED_INSTRUCTION_SHA256, source };
}

/** The instruction from a file: UltraX's inference.py (the assignment is read), or a plain text file holding just the instruction. */
export function readInstructionFile(path: string): UltraxInstruction {
  if (!existsSync(path)) throw new Error(`${path}: no such file (give UltraX's ${INFERENCE_SCRIPT})`);
  const content = readFileSync(path, 'utf8');
  return describeInstruction(path.endsWith('.py') ? instructionFromPython(content, path) : content, path);
}

/** The instruction script of a checkpoint folder downloaded from the model's Hub repository, if it has one. */
export function instructionInCheckpoint(folder: string): UltraxInstruction | null {
  const path = join(folder, INFERENCE_SCRIPT_IN_MODEL_REPO);
  return existsSync(path) ? readInstructionFile(path) : null;
}

/** The value of `SYSTEM_INSTRUCTION = """..."""` in Python source, escapes decoded as Python does. */
export function instructionFromPython(source: string, where: string): string {
  const start = /^SYSTEM_INSTRUCTION\s*=\s*([rRuU]?)("""|''')/m.exec(source);
  if (start === null) throw new Error(`${where}: no SYSTEM_INSTRUCTION = """...""" assignment found; is this UltraX's ${INFERENCE_SCRIPT}?`);
  const raw = start[1]!.toLowerCase() === 'r';
  const quote = start[2]!;
  let i = start.index + start[0].length;
  let out = '';
  while (i < source.length) {
    if (source.startsWith(quote, i)) return out;
    const ch = source[i]!;
    if (ch !== '\\') {
      out += ch;
      i++;
      continue;
    }
    const next = source[i + 1] ?? '';
    if (raw) {
      out += ch + next;
      i += 2;
      continue;
    }
    const simple: Record<string, string> = { '\n': '', '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };
    if (next in simple) {
      out += simple[next];
      i += 2;
    } else if (/[0-7]/.test(next)) {
      const digits = /^[0-7]{1,3}/.exec(source.slice(i + 1))![0];
      out += String.fromCodePoint(parseInt(digits, 8));
      i += 1 + digits.length;
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const width = { x: 2, u: 4, U: 8 }[next];
      const hex = source.slice(i + 2, i + 2 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) throw new Error(`${where}: bad \\${next} escape in SYSTEM_INSTRUCTION`);
      out += String.fromCodePoint(parseInt(hex, 16));
      i += 2 + width;
    } else if (next === 'N') {
      throw new Error(`${where}: SYSTEM_INSTRUCTION uses a \\N{...} escape, which this reader does not decode`);
    } else {
      out += ch + next;
      i += 2;
    }
  }
  throw new Error(`${where}: SYSTEM_INSTRUCTION's string is not closed`);
}
