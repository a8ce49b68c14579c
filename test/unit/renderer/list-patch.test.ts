import { describe, expect, it } from 'vitest';
import type { DocumentRow } from '../../../contract/api';
import { passesFilter, rowsOutOfPlace, staysInPlace } from '../../../renderer/src/components/list-patch';
import { describeRefine } from '../../../renderer/src/components/refine-note';

const row = (patch: Partial<DocumentRow> = {}): DocumentRow => ({ id: 'd', file: 'a.jsonl', locator: 1, title: 't', words: 10, status: 'dropped', linesRemoved: 0, normalized: 0, hasErrors: false, ...patch });

describe('rows reviewed in place', () => {
  it('filter membership as the server filters', () => {
    expect(passesFilter('dropped', row())).toBe(true);
    expect(passesFilter('kept', row())).toBe(false);
    expect(passesFilter('errors', row({ status: 'error', hasErrors: true }))).toBe(true);
    expect(passesFilter('errors', row({ status: 'modified', hasErrors: true }))).toBe(true);
    expect(passesFilter('all', row())).toBe(true);
  });
  it('a dropped page switched back no longer fits the Dropped filter, but fits All in corpus order', () => {
    const shown = row();
    const now = row({ status: 'modified', linesRemoved: 3 });
    expect(staysInPlace({ filter: 'dropped', sort: 'order' }, shown, now)).toBe(false);
    expect(staysInPlace({ filter: 'all', sort: 'order' }, shown, now)).toBe(true);
    // Sorted by lines removed, its place changes.
    expect(staysInPlace({ filter: 'all', sort: 'linesRemoved' }, shown, now)).toBe(false);
    expect(staysInPlace({ filter: 'all', sort: 'words' }, shown, now)).toBe(true);
  });
  it('counts only patched rows that the list showed and that would move', () => {
    const patches = {
      a: { row: row({ id: 'a', status: 'kept' }), shown: row({ id: 'a' }) },
      b: { row: row({ id: 'b' }), shown: row({ id: 'b' }) },
      c: { row: row({ id: 'c', status: 'kept' }), shown: null },
    };
    expect(rowsOutOfPlace({ filter: 'dropped', sort: 'order' }, patches)).toBe(1);
    expect(rowsOutOfPlace({ filter: 'all', sort: 'order' }, patches)).toBe(0);
  });
});

describe('describeRefine', () => {
  const base = { programmer: 'Rules (web)', wrote: ['doc', 'chunk'] as ('doc' | 'chunk')[], fromCache: 0, before: 'pending' as const, after: 'modified' as const, failure: null };
  it('says what changed and how', () => {
    expect(describeRefine(base)).toBe('Refined now by Rules (web): not refined → modified (document-stage and chunk-stage programs written).');
    expect(describeRefine({ ...base, wrote: ['doc'], fromCache: 1, before: 'dropped', after: 'dropped' })).toBe('Refined now by Rules (web): still dropped (document-stage program written, 1 from the cache).');
  });
  it('says when nothing was asked, and a failure', () => {
    expect(describeRefine({ ...base, wrote: [], before: 'kept', after: 'kept' })).toBe('Already refined by Rules (web): the programs shown are its own (kept unchanged).');
    expect(describeRefine({ ...base, failure: 'timed out', after: 'error' })).toMatch(/^Rules \(web\) failed on this document: timed out\./);
  });
});
