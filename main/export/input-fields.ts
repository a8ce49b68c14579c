/**
 * An exported record keeps every field its input record had, under the input's own keys, as
 * datatrove's writers do: top-level fields stay at the top (`source`, `url`, ...), and the
 * input's `metadata` object keeps its keys, with Refinery's provenance written beside them in
 * the same `metadata`.
 *
 * Nothing is overwritten: an input value whose key Refinery itself writes (`id`, `text`, or a
 * provenance key inside `metadata`; a `metadata` that is not an object) moves, under its own
 * key, into `metadata.input`. Exporting an export again therefore keeps the earlier pass's
 * provenance in `metadata.input`.
 */

/** Where an input's colliding values go, inside `metadata`. */
export const MOVED_INPUT_KEY = 'input';

const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(['id', 'text', 'metadata']);

export interface InputFieldParts {
  /** `,"key":value` for each kept top-level field, in the input's order ('' when none). */
  readonly topLevel: string;
  /** `"key":value,` for each field of the input's metadata (and `input` when values moved), to open Refinery's metadata with ('' when none). */
  readonly metadata: string;
}

const NONE: InputFieldParts = { topLevel: '', metadata: '' };

/**
 * Splits a document's stored other fields (a JSON object, or null) into the JSON fragments
 * export writes. `provenanceKeys` are the keys Refinery writes inside `metadata`.
 */
export function inputFieldParts(extra: string | null, provenanceKeys: ReadonlySet<string>, inputId: string | null = null): InputFieldParts {
  if (extra === null && inputId === null) return NONE;
  let fields: unknown = {};
  try {
    if (extra !== null) fields = JSON.parse(extra);
  } catch {
    fields = {};
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) fields = {};
  const record = fields as Record<string, unknown>;
  const moved: Record<string, unknown> = {};
  let anyMoved = false;
  // The input's id where the document was given another (its id was taken): kept, as any input value Refinery does not write as it was.
  if (inputId !== null) {
    moved.id = inputId;
    anyMoved = true;
  }
  let topLevel = '';
  for (const [key, value] of Object.entries(record)) {
    if (key === 'metadata' && isPlainObject(value)) continue;
    if (TOP_LEVEL_KEYS.has(key)) {
      moved[key] = value;
      anyMoved = true;
    } else {
      topLevel += `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
    }
  }
  const inputMetadata = isPlainObject(record.metadata) ? record.metadata : {};
  const kept: [string, unknown][] = [];
  for (const [key, value] of Object.entries(inputMetadata)) {
    if (provenanceKeys.has(key)) {
      moved[key] = value;
      anyMoved = true;
    } else kept.push([key, value]);
  }
  // `input` is Refinery's only when something moved; then an input `input` moves too.
  let metadata = '';
  for (const [key, value] of kept) {
    if (anyMoved && key === MOVED_INPUT_KEY) moved[key] = value;
    else metadata += `${JSON.stringify(key)}:${JSON.stringify(value)},`;
  }
  if (anyMoved) metadata += `${JSON.stringify(MOVED_INPUT_KEY)}:${JSON.stringify(moved)},`;
  return { topLevel, metadata };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
