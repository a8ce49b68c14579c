/**
 * The corpus list: virtualised (only visible rows exist in the DOM), pages fetched by
 * offset, fixed row height so a million rows scroll as smoothly as a hundred.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { DocumentRow } from '../../../contract/api';
import { formatCount } from '../format';
import { useApp } from '../store/app';
import { ErrorState, Empty } from './States';
import { rowOrigin } from './doc-row';
import { shownList } from './shown-list';
import { useDocPages } from './useDocPages';

/** Two lines: the title, and where the document comes from (id, file:line, format). */
export const ROW_HEIGHT = 46;

function Badges({ row }: { row: DocumentRow }) {
  return (
    <span className="badges">
      {row.status === 'dropped' ? <span className="badge badge-drop">dropped</span> : null}
      {row.status === 'pending' ? <span className="badge badge-pending">not refined</span> : null}
      {row.linesRemoved > 0 ? (
        <span className="badge badge-removed" title={`${row.linesRemoved} lines removed`}>
          −{formatCount(row.linesRemoved)}
        </span>
      ) : null}
      {row.normalized > 0 ? (
        <span className="badge badge-norm" title={`${row.normalized} strings normalized`}>
          ≈{formatCount(row.normalized)}
        </span>
      ) : null}
      {row.hasErrors ? <span className="badge badge-error">error</span> : null}
    </span>
  );
}

/** Where the document comes from: its own id (when it has one), file:line, and the file's format as a badge. */
function Origin({ row }: { row: DocumentRow }) {
  const origin = rowOrigin(row);
  return (
    <span className="docrow-origin mono" title={origin.id ? `${origin.id} · ${origin.place}` : origin.place}>
      {origin.kind ? <span className={`badge badge-kind kind-${origin.kind.replace(/\W/g, '-')}`}>{origin.kind}</span> : null}
      {origin.id ? <span className="docrow-id">{origin.id}</span> : null}
      <span className="docrow-place">{origin.place}</span>
    </span>
  );
}

/** One row; memoised so scrolling re-renders only rows that enter the window. */
const DocRowView = memo(function DocRowView({ row, index, start, selected, onSelect }: { row: DocumentRow; index: number; start: number; selected: boolean; onSelect: (id: string, index: number) => void }) {
  return (
    <div
      className={`docrow status-${row.status}${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${start}px)`, height: ROW_HEIGHT }}
      data-docid={row.id}
      onClick={() => onSelect(row.id, index)}
      role="option"
      aria-selected={selected}
    >
      <span className="docrow-index">{formatCount(index + 1)}</span>
      <span className="docrow-main">
        <span className="docrow-title" title={row.title}>
          {row.title || <em className="muted">(no text)</em>}
        </span>
        <Origin row={row} />
      </span>
      <Badges row={row} />
      <span className="docrow-words">{formatCount(row.words)}w</span>
    </div>
  );
});

export function DocList() {
  const query = useApp((s) => s.query);
  const listVersion = useApp((s) => s.listVersion);
  const patches = useApp((s) => s.rowPatches);
  const selected = useApp((s) => s.selectedDocId);
  const select = useApp((s) => s.select);
  const selectedIndex = useApp((s) => s.selectedIndex);
  const placeSelected = useApp((s) => s.placeSelected);
  const fetched = useDocPages(query, listVersion);
  // Reviewed rows show what they are now, where the list had them (no re-sort until asked).
  const rowAt = (index: number): DocumentRow | undefined => {
    const row = fetched.rowAt(index);
    return row ? (patches[row.id]?.row ?? row) : undefined;
  };
  const pages = { ...fetched, rowAt };
  shownList.key = JSON.stringify(query);
  shownList.total = fetched.total ?? 0;
  shownList.rowAt = rowAt;
  shownList.find = fetched.find;
  shownList.indexOf = fetched.indexOf;
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = pages.total ?? 0;

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // Let React batch scroll updates instead of a synchronous render per scroll event.
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { want } = pages;
  useEffect(() => {
    if (count > 0) want(first, last);
  }, [first, last, count, want]);

  // Where the selected document sits in the list as shown now: j / k step from there.
  let shownAt: number | null = null;
  for (const item of items) if (selected && pages.rowAt(item.index)?.id === selected) shownAt = item.index;
  useEffect(() => {
    if (shownAt !== null) placeSelected(shownAt);
  }, [shownAt, placeSelected]);

  // A selection made from the keyboard scrolls into view.
  const { scrollToIndex } = virtualizer;
  useEffect(() => {
    if (selectedIndex !== null && selectedIndex < count && (selectedIndex < first || selectedIndex > last)) scrollToIndex(selectedIndex, { align: 'auto' });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new selection scrolls; a scroll by the user must not pull it back
  }, [selectedIndex, count]);

  if (pages.error && pages.total === null) return <ErrorState title="Could not list documents" message={pages.error} onRetry={pages.retry} />;
  if (pages.total === null) return <div className="doclist-loading">{Array.from({ length: 8 }, (_, i) => <div key={i} className="skeleton-row" />)}</div>;
  if (count === 0) {
    return (
      <Empty title={query.search || query.filter !== 'all' ? 'No documents match' : 'This workspace has no documents'}>
        {query.search || query.filter !== 'all' ? 'Change the filter or the search words.' : 'Add .txt, .md, .jsonl, .json or .parquet files to the folder and rescan.'}
      </Empty>
    );
  }

  return (
    <div className="doclist" ref={scrollRef} data-testid="doclist" tabIndex={0} aria-label={`${count} documents`}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const row = pages.rowAt(item.index);
          const style = { transform: `translateY(${item.start}px)`, height: ROW_HEIGHT };
          if (!row) {
            return (
              <div key={item.key} className="docrow docrow-placeholder" style={style}>
                <span className="docrow-index">{formatCount(item.index + 1)}</span>
                <span className="skeleton-text" />
              </div>
            );
          }
          return <DocRowView key={item.key} row={row} index={item.index} start={item.start} selected={row.id === selected} onSelect={select} />;
        })}
      </div>
    </div>
  );
}
