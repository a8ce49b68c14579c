/**
 * Reads a labelled page set in the devset layout (`docs.jsonl` + `gold.jsonl`, see the
 * devset's README): one document per line, one label per document, same ids. The set itself
 * is test data, not part of the product (test/fixtures/devset).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelledDocument } from '../../main/rules/agreement';
import { DEVSET_DIR } from '../../test/support/fixtures';

/** Where the development set lives when nothing else is said. */
export const DEFAULT_DEVSET_DIR = DEVSET_DIR;

export function hasDevset(dir: string = DEFAULT_DEVSET_DIR): boolean {
  return existsSync(join(dir, 'docs.jsonl')) && existsSync(join(dir, 'gold.jsonl'));
}

function readJsonl(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, index }) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (err) {
        throw new Error(`${path}:${index + 1}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
      }
    });
}

function field<T>(path: string, index: number, record: unknown, name: string, check: (value: unknown) => value is T, what: string): T {
  const value = typeof record === 'object' && record !== null ? (record as Record<string, unknown>)[name] : undefined;
  if (!check(value)) throw new Error(`${path}: record ${index + 1}: field "${name}" must be ${what}`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isLines = (v: unknown): v is number[] => Array.isArray(v) && v.every((n) => Number.isInteger(n) && (n as number) >= 0);
const isDecision = (v: unknown): v is 'keep' | 'drop' => v === 'keep' || v === 'drop';

/** The labelled documents of a set, in file order; throws naming the file, record and field. */
export function readLabelledSet(dir: string = DEFAULT_DEVSET_DIR): LabelledDocument[] {
  if (!hasDevset(dir)) throw new Error(`no labelled set at ${dir}: it needs docs.jsonl and gold.jsonl (the devset layout); pass --devset <folder>`);
  const docsPath = join(dir, 'docs.jsonl');
  const goldPath = join(dir, 'gold.jsonl');
  const gold = new Map(
    readJsonl(goldPath).map((record, i) => [
      field(goldPath, i, record, 'id', isString, 'a string'),
      { doc: field(goldPath, i, record, 'doc', isDecision, '"keep" or "drop"'), noisy: field(goldPath, i, record, 'noisy_lines', isLines, 'an array of line indexes') },
    ]),
  );
  return readJsonl(docsPath).map((record, i) => {
    const id = field(docsPath, i, record, 'id', isString, 'a string');
    const text = field(docsPath, i, record, 'text', isString, 'a string');
    const label = gold.get(id);
    if (label === undefined) throw new Error(`${goldPath}: no label for document "${id}" (${docsPath} record ${i + 1})`);
    return { id, text, keep: label.doc === 'keep', noisyLines: label.noisy };
  });
}
