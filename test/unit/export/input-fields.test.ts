/** The input record's other fields in an export line: under their own keys, nothing overwritten. */
import { describe, expect, it } from 'vitest';
import { inputFieldParts } from '../../../main/export/input-fields';

const PROVENANCE = new Set(['source', 'locator', 'programs']);

/** The line export writes, from the parts (as MainLineEncoder.tail joins them). */
function line(extra: string | null): unknown {
  const parts = inputFieldParts(extra, PROVENANCE);
  return JSON.parse(`{"id":"d","text":"t"${parts.topLevel},"metadata":{${parts.metadata}"source":"f.jsonl","locator":1,"programs":{}}}`);
}

describe('inputFieldParts', () => {
  it('writes nothing for a document without other fields', () => {
    expect(inputFieldParts(null, PROVENANCE)).toEqual({ topLevel: '', metadata: '' });
    expect(line(null)).toEqual({ id: 'd', text: 't', metadata: { source: 'f.jsonl', locator: 1, programs: {} } });
  });

  it('keeps top-level fields at the top and the input metadata keys beside the provenance, in the input order', () => {
    const out = line(JSON.stringify({ url: 'https://e.org', dump: 'CC-2024', metadata: { lang: 'en', score: 0.5 } }));
    expect(out).toEqual({ id: 'd', text: 't', url: 'https://e.org', dump: 'CC-2024', metadata: { lang: 'en', score: 0.5, source: 'f.jsonl', locator: 1, programs: {} } });
    expect(Object.keys(out as object)).toEqual(['id', 'text', 'url', 'dump', 'metadata']);
  });

  it('moves values whose keys Refinery writes into metadata.input instead of losing them', () => {
    const out = line(JSON.stringify({ text: 'the other text field', metadata: { source: 'commoncrawl', lang: 'en' } }));
    expect(out).toEqual({ id: 'd', text: 't', metadata: { lang: 'en', input: { text: 'the other text field', source: 'commoncrawl' }, source: 'f.jsonl', locator: 1, programs: {} } });
  });

  it('a metadata that is not an object moves too; an input "input" moves only when something else does', () => {
    expect(line(JSON.stringify({ metadata: 'free text' }))).toEqual({ id: 'd', text: 't', metadata: { input: { metadata: 'free text' }, source: 'f.jsonl', locator: 1, programs: {} } });
    expect(line(JSON.stringify({ metadata: { input: 'x' } }))).toMatchObject({ metadata: { input: 'x' } });
    expect(line(JSON.stringify({ metadata: { input: 'x', programs: 'old' } }))).toMatchObject({ metadata: { input: { input: 'x', programs: 'old' }, programs: {} } });
  });

  it('an export exported again keeps the earlier provenance under metadata.input', () => {
    const earlier = { metadata: { source: 'raw.jsonl', locator: 9, programs: { doc: 'keep_doc()' }, note: 'kept' } };
    expect(line(JSON.stringify(earlier))).toEqual({ id: 'd', text: 't', metadata: { note: 'kept', input: earlier.metadata && { source: 'raw.jsonl', locator: 9, programs: { doc: 'keep_doc()' } }, source: 'f.jsonl', locator: 1, programs: {} } });
  });
});
