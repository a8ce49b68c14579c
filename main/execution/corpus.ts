/** Walking the whole corpus in order, a page at a time, as export and the statistics do. */
import type { Store } from '../store';
import { addDisabledOp, type DisabledOps } from './stored-program';

/**
 * Pages of rows in corpus order (source, then position), read after a (source_id, ord) cursor
 * so each page is an index seek, however far into the corpus.
 */
export function* corpusPages<R extends { source_id: number; ord: number }>(read: (sourceId: number, ord: number, limit: number) => R[], limit: number): Generator<R[]> {
  let cursor: [number, number] = [0, -1];
  while (true) {
    const page = read(cursor[0], cursor[1], limit);
    if (page.length === 0) return;
    const last = page[page.length - 1]!;
    cursor = [last.source_id, last.ord];
    yield page;
  }
}

/** The switched-off operations of a page's documents, by document; documents without any are absent. */
export function disabledOpsOfPage(store: Store, seqs: readonly number[]): Map<number, DisabledOps> {
  const byDoc = new Map<number, { doc: number[]; chunk: number[]; ultrax?: number[] }>();
  // Rows come ordered by document, stage and line, so each list is already sorted.
  for (const row of store.toggles.disabledOpsOfDocs.all(JSON.stringify(seqs))) {
    let disabled = byDoc.get(row.doc_seq);
    if (!disabled) byDoc.set(row.doc_seq, (disabled = { doc: [], chunk: [] }));
    addDisabledOp(disabled, row.stage, row.line);
  }
  return byDoc;
}
