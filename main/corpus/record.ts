import type { CorpusDocument, ReadIssue } from './types';

/**
 * Turns one parsed record (a JSONL line, a JSON array element, a parquet row) into a
 * document, or says precisely why it cannot be one. Shared by every structured format so
 * the same mistake reads the same everywhere.
 */
export interface FieldPaths {
  textField: string;
  idField: string;
}

export type RecordResult =
  | { ok: true; doc: CorpusDocument; idProblem: string | null }
  | { ok: false; field: string | null; message: string };

/** 'metadata.text' walks into nested objects; a key that literally contains dots wins. */
export function getField(record: Record<string, unknown>, fieldPath: string): unknown {
  if (Object.hasOwn(record, fieldPath)) return record[fieldPath];
  if (!fieldPath.includes('.')) return undefined;
  let current: unknown = record;
  for (const part of fieldPath.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

const MAX_KEYS_LISTED = 12;

export function describeKeys(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  if (keys.length === 0) return 'the record has no fields';
  const shown = keys.slice(0, MAX_KEYS_LISTED).join(', ');
  return `fields present: ${shown}${keys.length > MAX_KEYS_LISTED ? `, … (${keys.length} in all)` : ''}`;
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

export function recordToDocument(
  value: unknown,
  fields: FieldPaths,
  locator: number | null,
  byteOffset?: number,
): RecordResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, field: null, message: `expected a JSON object with a "${fields.textField}" field, found ${typeName(value)}. Each record must be an object.` };
  }
  const record = value as Record<string, unknown>;
  const text = getField(record, fields.textField);
  if (text === undefined) {
    return {
      ok: false,
      field: fields.textField,
      message: `no "${fields.textField}" field (${describeKeys(record)}). If the text is in another field, set the text field to its name.`,
    };
  }
  if (typeof text !== 'string') {
    return {
      ok: false,
      field: fields.textField,
      message: `"${fields.textField}" is ${typeName(text)}, not a string. Point the text field at a string field (${describeKeys(record)}).`,
    };
  }
  const rawId = getField(record, fields.idField);
  let externalId: string | null = null;
  let idProblem: string | null = null;
  if (typeof rawId === 'string') externalId = rawId;
  else if (typeof rawId === 'number' || typeof rawId === 'bigint') externalId = String(rawId);
  else if (rawId !== undefined && rawId !== null) {
    idProblem = `"${fields.idField}" is ${typeName(rawId)}, not a string or number; the document was read without an id (Refinery assigns one from file and line). Set the id field to a string or number field.`;
  }
  const doc: CorpusDocument = { externalId, text, locator };
  if (byteOffset !== undefined) doc.byteOffset = byteOffset;
  const extra = otherFields(record, fields);
  if (extra !== null) doc.extra = JSON.stringify(extra);
  return { ok: true, doc, idProblem };
}

/**
 * The record without its text and id fields (dotted paths reach into nested objects, which are
 * copied, never changed), or null when nothing else is left.
 */
export function otherFields(record: Record<string, unknown>, fields: FieldPaths): Record<string, unknown> | null {
  let rest: Record<string, unknown> | null = null;
  for (const key in record) {
    if (key !== fields.textField && key !== fields.idField) {
      rest = record;
      break;
    }
  }
  // The usual record ({text, id} at the top) stops here without copying anything.
  if (rest === null && Object.hasOwn(record, fields.textField)) return null;
  rest = without(without(record, fields.textField), fields.idField);
  return isEmptyObject(rest) ? null : rest;
}

function without(record: Record<string, unknown>, fieldPath: string): Record<string, unknown> {
  if (Object.hasOwn(record, fieldPath)) {
    const { [fieldPath]: _, ...rest } = record;
    return rest;
  }
  const dot = fieldPath.indexOf('.');
  if (dot === -1) return record;
  const head = fieldPath.slice(0, dot);
  const inner = record[head];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner) || !Object.hasOwn(record, head)) return record;
  const reduced = without(inner as Record<string, unknown>, fieldPath.slice(dot + 1));
  if (reduced === inner) return record;
  const copy = { ...record };
  // A nested object emptied by taking the text out of it is gone, not kept as {}.
  if (isEmptyObject(reduced)) delete copy[head];
  else copy[head] = reduced;
  return copy;
}

function isEmptyObject(value: Record<string, unknown>): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}

export type IssueDraft = Omit<ReadIssue, 'file'>;
