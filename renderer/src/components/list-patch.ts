/**
 * The list keeps its order while a document is reviewed (issue 15.6): a toggle, an edit or a
 * one-document refine updates that document's row in place (a patch) instead of fetching the
 * list again, which would re-sort and re-filter it under the user. These pure helpers say
 * whether a patched row still belongs where the list shows it; when one does not, the list
 * offers to refresh rather than moving rows by itself.
 */
import type { DocFilter, DocumentRow, DocStatus, ListQuery } from '../../../contract/api';

/** A row changed since the list was fetched: as it is now, and as the list showed it (null: not on the loaded pages). */
export interface RowPatch {
  row: DocumentRow;
  shown: DocumentRow | null;
}

/** Whether a row passes a filter chip, as main/store/document-list.ts filters (the search aside: texts do not change). */
export function passesFilter(filter: DocFilter, row: DocumentRow): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'errors':
      return row.hasErrors;
    default:
      return row.status === filter;
  }
}

/** Whether the list, fetched again, would show `now` where it shows `shown`: same filter membership, same sort key. */
export function staysInPlace(query: Pick<ListQuery, 'filter' | 'sort'>, shown: DocumentRow, now: DocumentRow): boolean {
  if (passesFilter(query.filter, shown) !== passesFilter(query.filter, now)) return false;
  // Words, id and corpus order never change by refining; lines removed do.
  if (query.sort === 'linesRemoved' && shown.linesRemoved !== now.linesRemoved) return false;
  return true;
}

/** Patched rows that would move or leave the list on a refresh. */
export function rowsOutOfPlace(query: Pick<ListQuery, 'filter' | 'sort'>, patches: Readonly<Record<string, RowPatch>>): number {
  let n = 0;
  for (const patch of Object.values(patches)) if (patch.shown && !staysInPlace(query, patch.shown, patch.row)) n++;
  return n;
}

/** A status as the filter chips name it. */
export const STATUS_LABEL: Record<DocStatus, string> = {
  pending: 'not refined',
  kept: 'kept unchanged',
  modified: 'modified',
  dropped: 'dropped',
  error: 'failed',
};
