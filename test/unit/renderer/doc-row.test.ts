import { describe, expect, it } from 'vitest';
import { fileKind, rowOrigin } from '../../../renderer/src/components/doc-row';

describe('fileKind', () => {
  it('names the format by the extension, a compression with the format it wraps', () => {
    expect(fileKind('devset.jsonl')).toBe('jsonl');
    expect(fileKind('pages/page-41.TXT')).toBe('txt');
    expect(fileKind('dump/part-0.jsonl.gz')).toBe('jsonl.gz');
    expect(fileKind('a.b/README')).toBe('');
    expect(fileKind('x.gz')).toBe('gz');
  });
});

describe('rowOrigin', () => {
  it('tells a .txt copy from the .jsonl record of the same page', () => {
    const txt = rowOrigin({ id: 'pages/dev-041.txt', file: 'pages/dev-041.txt', locator: null });
    const jsonl = rowOrigin({ id: 'dev-041', file: 'devset.jsonl', locator: 41 });
    expect(txt).toEqual({ place: 'pages/dev-041.txt', id: null, kind: 'txt' });
    expect(jsonl).toEqual({ place: 'devset.jsonl:41', id: 'dev-041', kind: 'jsonl' });
  });
  it('does not repeat an id that is the place itself (records without an id of their own)', () => {
    expect(rowOrigin({ id: 'a.jsonl:3', file: 'a.jsonl', locator: 3 }).id).toBeNull();
    expect(rowOrigin({ id: 'a.jsonl:3#2', file: 'a.jsonl', locator: 3 }).id).toBe('a.jsonl:3#2');
  });
});
