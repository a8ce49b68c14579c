/** A record's other fields (everything but its text and id) travel with the document, for export. */
import { describe, expect, it } from 'vitest';
import { otherFields, recordToDocument } from '../../../main/corpus/record';
import { jsonValue } from '../../../main/corpus/parquet';

const fields = { textField: 'text', idField: 'id' };

describe('otherFields', () => {
  it('is null for a record with only its text and id, without copying', () => {
    expect(otherFields({ id: 1, text: 'a' }, fields)).toBeNull();
    expect(otherFields({ text: 'a' }, fields)).toBeNull();
  });

  it('keeps top-level fields and a metadata object as they are', () => {
    const record = { id: 'x', text: 'a', source: 'cc', url: 'https://e.org', metadata: { lang: 'en', score: 0.9, tags: ['a'] } };
    expect(otherFields(record, fields)).toEqual({ source: 'cc', url: 'https://e.org', metadata: { lang: 'en', score: 0.9, tags: ['a'] } });
    // The record itself is not changed.
    expect(record).toHaveProperty('text', 'a');
  });

  it('takes a dotted text field out of its nested object, leaving its siblings, and drops an emptied object', () => {
    const record = { id: 1, metadata: { text: 'a', lang: 'en' }, url: 'u' };
    expect(otherFields(record, { textField: 'metadata.text', idField: 'id' })).toEqual({ metadata: { lang: 'en' }, url: 'u' });
    expect(record.metadata).toEqual({ text: 'a', lang: 'en' });
    expect(otherFields({ doc: { body: 'a', key: 'k' } }, { textField: 'doc.body', idField: 'doc.key' })).toBeNull();
  });

  it('a key that literally contains a dot is the field, as when reading it', () => {
    expect(otherFields({ 'meta.text': 'a', meta: { text: 'other' } }, { textField: 'meta.text', idField: 'id' })).toEqual({ meta: { text: 'other' } });
  });

  it('reaches the document as JSON', () => {
    const result = recordToDocument({ text: 'hello', id: 7, url: 'u', metadata: { a: 1 } }, fields, 3);
    expect(result).toMatchObject({ ok: true, doc: { externalId: '7', text: 'hello', locator: 3, extra: '{"url":"u","metadata":{"a":1}}' } });
    const plain = recordToDocument({ text: 'hello', id: 7 }, fields, 3);
    expect(plain.ok && 'extra' in plain.doc).toBe(false);
  });
});

describe('jsonValue (parquet values as JSON)', () => {
  it('turns 64-bit integers, timestamps and bytes into JSON values and leaves JSON alone', () => {
    expect(jsonValue(12n)).toBe(12);
    expect(jsonValue(2n ** 60n)).toBe('1152921504606846976');
    expect(jsonValue(new Date('2024-01-02T03:04:05Z'))).toBe('2024-01-02T03:04:05.000Z');
    expect(jsonValue(new Uint8Array([104, 105]))).toBe('aGk=');
    expect(jsonValue({ a: [1n, { b: null }], c: 'x' })).toEqual({ a: [1, { b: null }], c: 'x' });
  });
});
