/**
 * Pages of the document list, fetched on demand by offset so a million-row workspace costs
 * only the rows on screen. A query change starts a new generation; answers from an older
 * generation are ignored. A list refresh (listVersion) keeps showing old rows until the
 * new ones arrive, so the list never flashes empty during a batch.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DocumentRow } from '../../../contract/api';
import { errorMessage } from '../api/client';
import { type ListQuery, useApp } from '../store/app';

export const PAGE_SIZE = 200;

export interface DocPages {
  total: number | null;
  error: string | null;
  rowAt(index: number): DocumentRow | undefined;
  /** Ask for the pages covering [first, last]; cheap to call on every scroll frame. */
  want(first: number, last: number): void;
  retry(): void;
  /** The row of this document on the loaded pages, as fetched. */
  find(id: string): DocumentRow | undefined;
  /** Its index in the list, if on a loaded page; -1 otherwise. */
  indexOf(id: string): number;
}

export function useDocPages(query: ListQuery, listVersion: number): DocPages {
  const client = useApp((s) => s.client);
  // Keyed by the query, so answers to an old query read as "nothing yet" without resetting state in an effect.
  const [meta, setMeta] = useState<{ key: string; total: number | null; error: string | null; tick: number }>({ key: '', total: null, error: null, tick: 0 });
  const pages = useRef(new Map<number, DocumentRow[]>());
  const stale = useRef(new Set<number>());
  const inFlight = useRef(new Set<number>());
  const generation = useRef(0);
  const lastWanted = useRef<[number, number]>([0, 0]);
  const queryKey = JSON.stringify(query);
  const lastKey = useRef<string | null>(null);

  const fetchPage = useCallback(
    (page: number) => {
      if (inFlight.current.has(page)) return;
      inFlight.current.add(page);
      const gen = generation.current;
      client
        .call('docs.list', { ...query, offset: page * PAGE_SIZE, limit: PAGE_SIZE })
        .then((res) => {
          if (gen !== generation.current) return;
          pages.current.set(page, res.rows);
          stale.current.delete(page);
          setMeta((m) => ({ key: queryKey, total: res.total, error: null, tick: m.tick + 1 }));
        })
        .catch((err: unknown) => {
          if (gen === generation.current) setMeta((m) => ({ ...m, key: queryKey, error: errorMessage(err), tick: m.tick + 1 }));
        })
        .finally(() => {
          if (gen === generation.current) inFlight.current.delete(page);
        });
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- queryKey captures query by value
    [client, queryKey],
  );

  const want = useCallback(
    (first: number, last: number) => {
      lastWanted.current = [first, last];
      for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(Math.max(first, last) / PAGE_SIZE); p++) {
        if (!pages.current.has(p) || stale.current.has(p)) fetchPage(p);
      }
    },
    [fetchPage],
  );

  useEffect(() => {
    generation.current++;
    inFlight.current.clear();
    if (lastKey.current !== queryKey) {
      // New query: old rows mean nothing any more.
      pages.current.clear();
      stale.current.clear();
      lastKey.current = queryKey;
    } else {
      for (const p of pages.current.keys()) stale.current.add(p);
    }
    const [first, last] = lastWanted.current;
    want(first, last);
    if (pages.current.size === 0) fetchPage(0);
  }, [queryKey, listVersion, want, fetchPage]);

  const current = meta.key === queryKey;

  return {
    total: current ? meta.total : null,
    error: current ? meta.error : null,
    rowAt: (index) => pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
    want,
    find: (id) => {
      for (const rows of pages.current.values()) {
        const row = rows.find((r) => r.id === id);
        if (row) return row;
      }
      return undefined;
    },
    indexOf: (id) => {
      for (const [page, rows] of pages.current) {
        const at = rows.findIndex((r) => r.id === id);
        if (at >= 0) return page * PAGE_SIZE + at;
      }
      return -1;
    },
    retry: () => {
      const [first, last] = lastWanted.current;
      want(first, last);
      if (pages.current.size === 0) fetchPage(0);
    },
  };
}
