/** The review screen: filterable, searchable document list beside the selected document. */
import { useEffect, useRef, useState } from 'react';
import type { DocCounts, OperationKind } from '../../../contract/api';
import { type RendererClient, errorMessage } from '../api/client';
import { DocList } from '../components/DocList';
import { DocumentView } from '../components/DocumentView';
import { Empty } from '../components/States';
import { isShortcut } from '../keyboard';
import { rowsOutOfPlace } from '../components/list-patch';
import { shownList } from '../components/shown-list';
import { formatCount } from '../format';
import { type DocFilter, type DocSort, type ListQuery, useApp } from '../store/app';

/** The filter chips, named after what they show: "kept" alone would hide that Stats also counts modified documents as kept. */
const FILTERS: { value: DocFilter; label: string; hint: string }[] = [
  { value: 'all', label: 'All', hint: 'Every document' },
  { value: 'kept', label: 'Kept unchanged', hint: 'Refined and kept as they were: no line removed, nothing normalized' },
  { value: 'modified', label: 'Modified', hint: 'Kept, with lines removed or text normalized' },
  { value: 'dropped', label: 'Dropped', hint: 'Dropped whole by their program (or a drop rule)' },
  { value: 'errors', label: 'Errors', hint: 'The programmer failed on them, or their program has errors' },
  { value: 'pending', label: 'Not refined', hint: 'No program yet: run a batch, or refine one document now' },
];

const SORTS: { value: DocSort; label: string }[] = [
  { value: 'order', label: 'Corpus order' },
  { value: 'words', label: 'Words' },
  { value: 'linesRemoved', label: 'Lines removed' },
  { value: 'id', label: 'Id' },
];

/** The kinds that change text; keep_doc / keep_chunk are no-ops and have no switch. */
const SWITCHABLE: { kind: OperationKind; label: string }[] = [
  { kind: 'drop_doc', label: 'drop_doc' },
  { kind: 'remove_lines', label: 'remove_lines' },
  { kind: 'normalize', label: 'normalize' },
];

/**
 * The row `step` away from the selected document in the list as the server orders it now.
 * The rows around the selection's last known row are read again: if the document is still
 * there the step is taken from it; if it left the list (a filter it no longer matches), the
 * row now in its place is the next one. With nothing selected, j starts at the top.
 */
async function stepInList(client: RendererClient, query: ListQuery, docId: string | null, index: number | null, step: 1 | -1): Promise<{ id: string; index: number } | null> {
  // The list as shown first: reviewed rows stay where they are until the list is refreshed.
  // The selection is found by its id there (its last known row may be out of date).
  let shownAt = -1;
  if (docId !== null && shownList.key === JSON.stringify(query)) shownAt = index !== null && shownList.rowAt(index)?.id === docId ? index : shownList.indexOf(docId);
  if (shownAt >= 0) {
    const target = shownAt + step;
    if (target < 0 || target >= shownList.total) return null;
    const row = shownList.rowAt(target);
    if (row) return { id: row.id, index: target };
  }
  if (docId === null || index === null) {
    const first = await client.call('docs.list', { ...query, offset: 0, limit: 1 });
    return first.rows[0] ? { id: first.rows[0].id, index: 0 } : null;
  }
  const offset = Math.max(0, index - 1);
  const around = await client.call('docs.list', { ...query, offset, limit: 3 });
  const at = around.rows.findIndex((r) => r.id === docId);
  const target = at >= 0 ? offset + at + step : step > 0 ? index : index - 1;
  if (target < 0 || target >= around.total) return null;
  const local = target - offset;
  const row = local >= 0 && local < around.rows.length ? around.rows[local] : (await client.call('docs.list', { ...query, offset: target, limit: 1 })).rows[0];
  return row ? { id: row.id, index: target } : null;
}

export function Corpus() {
  const client = useApp((s) => s.client);
  const query = useApp((s) => s.query);
  const setQuery = useApp((s) => s.setQuery);
  const selected = useApp((s) => s.selectedDocId);
  const select = useApp((s) => s.select);
  const toggles = useApp((s) => s.toggles);
  const statusPass = useApp((s) => s.statusPass);
  const setKind = useApp((s) => s.setKind);
  const notify = useApp((s) => s.notify);
  const listVersion = useApp((s) => s.listVersion);
  const countsVersion = useApp((s) => s.countsVersion);
  const patches = useApp((s) => s.rowPatches);
  const bumpList = useApp((s) => s.bumpList);
  const outOfPlace = rowsOutOfPlace(query, patches);
  const [counts, setCounts] = useState<{ search: string; counts: DocCounts } | null>(null);
  const [search, setSearch] = useState(query.search);

  // The chips' counts, for the current search: after every list refresh and every reviewed row.
  useEffect(() => {
    let live = true;
    client
      .call('docs.counts', { search: query.search })
      .then((c) => live && setCounts({ search: query.search, counts: c }))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [client, query.search, listVersion, countsVersion]);
  const shownCounts = counts?.search === query.search ? counts.counts : null;
  const searchRef = useRef<HTMLInputElement>(null);
  const steps = useRef<Promise<void>>(Promise.resolve());

  // Search as you type, without a request per keystroke.
  useEffect(() => {
    const t = setTimeout(() => setQuery({ search }), 250);
    return () => clearTimeout(t);
  }, [search, setQuery]);

  // j / k walk the list as it is shown (its sort, filter and search); / focuses the search.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!isShortcut(e)) return;
      if (e.key === '/') {
        e.preventDefault();
        searchRef.current?.focus();
        return;
      }
      if (e.key !== 'j' && e.key !== 'k') return;
      e.preventDefault();
      const step = e.key === 'j' ? 1 : -1;
      // One step at a time: a key pressed while the last step is on its way starts from where that one lands.
      steps.current = steps.current
        .then(async () => {
          const { selectedDocId, selectedIndex, query: q } = useApp.getState();
          const to = await stepInList(client, q, selectedDocId, selectedIndex, step);
          if (to) select(to.id, to.index);
        })
        .catch((err: unknown) => notify('error', errorMessage(err)));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [client, select, notify]);

  return (
    <div className="corpus">
      <div className="corpus-list">
        <div className="toolbar">
          <input
            ref={searchRef}
            className="search"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Search text (/)"
            aria-label="search documents"
            spellCheck={false}
          />
          <select value={query.sort} onChange={(e) => {
              setQuery({ sort: e.target.value as DocSort });
              // Give the keys back to the list: j / k walk the new order at once.
              e.target.blur();
            }} aria-label="sort">
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
          <button className="btn btn-icon" onClick={() => setQuery({ descending: !query.descending })} title={query.descending ? 'Descending' : 'Ascending'} aria-label="sort direction">
            {query.descending ? '↓' : '↑'}
          </button>
        </div>
        <div className="filters" role="tablist" aria-label="filter">
          {FILTERS.map((f) => (
            <button key={f.value} role="tab" aria-selected={query.filter === f.value} className={`chip${query.filter === f.value ? ' chip-on' : ''}`} onClick={() => setQuery({ filter: f.value })} title={f.hint}>
              {f.label}
              {shownCounts ? <span className="chip-count" data-testid={`count-${f.value}`}>{formatCount(shownCounts[f.value])}</span> : null}
            </button>
          ))}
        </div>
        {shownCounts && shownCounts.all > shownCounts.pending ? (
          <div className="kept-summary muted small" data-testid="kept-summary" title="As Stats and Batch count: a modified document is kept too">
            {formatCount(shownCounts.kept + shownCounts.modified)} kept ({formatCount(shownCounts.kept)} unchanged, {formatCount(shownCounts.modified)} modified) · {formatCount(shownCounts.dropped)} dropped
          </div>
        ) : null}
        {outOfPlace > 0 ? (
          <div className="list-stale" role="status" data-testid="list-stale">
            <span>
              List is out of date: {outOfPlace === 1 ? '1 document you reviewed no longer fits' : `${formatCount(outOfPlace)} documents you reviewed no longer fit`} {query.filter === 'all' ? 'this order' : 'this filter or order'}.
            </span>
            <button className="btn btn-small" onClick={bumpList} title="Fetch the list again with its filter and sort; the selection stays on its document">
              Refresh
            </button>
          </div>
        ) : null}
        <DocList />
        <div className="kinds" aria-label="operation kinds">
          <span className="muted small" title="Switch an operation kind off for the whole workspace (review and export)">Everywhere:</span>
          {SWITCHABLE.map(({ kind, label }) => (
            <label key={kind} className="kind-switch">
              <input type="checkbox" checked={toggles ? toggles[kind] !== false : true} disabled={!toggles} onChange={(e) => void setKind(kind, e.target.checked)} aria-label={`apply ${label} everywhere`} />
              <code>{label}</code>
            </label>
          ))}
          {statusPass?.running && (
            <span className="muted small" role="status" title="Review and export already follow the switches; the list's filters and counts catch up as this runs">
              updating statuses {statusPass.done.toLocaleString()} / {statusPass.total.toLocaleString()}
            </span>
          )}
        </div>
      </div>
      <div className="corpus-doc">
        {selected ? (
          <DocumentView key={selected} docId={selected} />
        ) : (
          <Empty title="Select a document">
            Pick one in the list, or press <kbd>j</kbd> / <kbd>k</kbd> to walk through them. <kbd>1</kbd>–<kbd>9</kbd> switch operations, <kbd>e</kbd> edits the program.
          </Empty>
        )}
      </div>
    </div>
  );
}
