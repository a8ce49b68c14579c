/**
 * Problems: every input the scan could not read (broken JSON line, non-UTF-8 file, missing
 * text field, truncated compressed tail), as `file:line`, field and message. Virtualised and
 * fetched by page, since a badly exported corpus can hold an error on every line. Above them,
 * the documents that were read but renamed because their input id was taken (count and first).
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { renamedIdsWarning, renamedLocation, type ScanError, type WorkspaceSummary } from '../../../contract/api';
import { errorMessage } from '../api/client';
import { Empty, ErrorState, Loading } from '../components/States';
import { formatCount } from '../format';
import { useApp } from '../store/app';

const ROW_HEIGHT = 30;
const PAGE_SIZE = 500;

/** `file:line`, or just the file when the problem concerns the whole file. */
export function problemLocation(problem: ScanError): string {
  return problem.line === null ? problem.file : `${problem.file}:${problem.line}`;
}

interface Pages {
  total: number | null;
  error: string | null;
  rowAt(index: number): ScanError | undefined;
  want(first: number, last: number): void;
  reload(): void;
}

/** Pages of scan errors by offset; a reload (rescan, retry) starts a new generation and drops older answers. */
function useProblemPages(version: number): Pages {
  const client = useApp((s) => s.client);
  const [state, setState] = useState<{ total: number | null; error: string | null; tick: number }>({ total: null, error: null, tick: 0 });
  const pages = useRef(new Map<number, ScanError[]>());
  const inFlight = useRef(new Set<number>());
  const generation = useRef(0);

  const fetchPage = useCallback(
    (page: number) => {
      if (pages.current.has(page) || inFlight.current.has(page)) return;
      inFlight.current.add(page);
      const gen = generation.current;
      client.call('workspace.scanErrors', { offset: page * PAGE_SIZE, limit: PAGE_SIZE }).then(
        (res) => {
          if (gen !== generation.current) return;
          inFlight.current.delete(page);
          pages.current.set(page, res.rows);
          setState((s) => ({ total: res.total, error: null, tick: s.tick + 1 }));
        },
        (err: unknown) => {
          if (gen !== generation.current) return;
          inFlight.current.delete(page);
          setState((s) => ({ ...s, error: errorMessage(err), tick: s.tick + 1 }));
        },
      );
    },
    [client],
  );

  const reload = useCallback(() => {
    generation.current += 1;
    pages.current = new Map();
    inFlight.current = new Set();
    fetchPage(0);
  }, [fetchPage]);

  useEffect(reload, [reload, version]);

  const want = useCallback(
    (first: number, last: number) => {
      for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) fetchPage(p);
    },
    [fetchPage],
  );
  const rowAt = useCallback((index: number) => pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE], []);
  return { total: state.total, error: state.error, rowAt, want, reload };
}

/** Messages wrap (they say what to do, so they must be readable whole); each row's height is measured. */
function ProblemRow({ problem, index, start, measure }: { problem: ScanError; index: number; start: number; measure: (el: HTMLElement | null) => void }) {
  const where = problemLocation(problem);
  return (
    <div className="problem-row" ref={measure} data-index={index} style={{ transform: `translateY(${start}px)`, minHeight: ROW_HEIGHT }} data-testid="problem">
      <span className="problem-where mono" title={where}>
        {where}
      </span>
      <span className="problem-field mono">{problem.field ?? <span className="muted">—</span>}</span>
      <span className="problem-message">{problem.message}</span>
    </div>
  );
}

/**
 * Documents whose input id another document already had: read and kept, under an id from their
 * file and line. The first one opens in the corpus (that fallback id is its file:line).
 */
function RenamedIds({ workspace }: { workspace: WorkspaceSummary }) {
  const first = workspace.firstRenamed;
  if (workspace.idsRenamed === 0 || !first) return null;
  return (
    <div className="card renamed-ids" role="note" aria-label="duplicate ids" data-testid="renamed-ids">
      <strong>Duplicate ids.</strong> {renamedIdsWarning({ count: workspace.idsRenamed, first })}.{' '}
      <button className="link" onClick={() => useApp.setState({ selectedDocId: renamedLocation(first), screen: 'corpus' })}>
        Show the first
      </button>
    </div>
  );
}

export function Problems() {
  const workspace = useApp((s) => s.workspace);
  // The summary changes after every rescan; its count is a cheap signal that the list did too.
  const version = workspace?.scanErrors ?? 0;
  const pages = useProblemPages(version);
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = pages.total ?? 0;

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12, useFlushSync: false });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { want } = pages;
  useEffect(() => {
    if (count > 0) want(first, last);
  }, [first, last, count, want]);

  let body;
  if (pages.error && pages.total === null) body = <ErrorState title="Could not list the problems" message={pages.error} onRetry={pages.reload} />;
  else if (pages.total === null) body = <Loading what="problems" />;
  else if (count === 0)
    body = (
      <Empty title="No problems">
        Every file in this folder was read. Broken JSON lines, non-UTF-8 files, records without a text field and truncated compressed files would be listed here with their file and line.
      </Empty>
    );
  else
    body = (
      <div className="problem-list" ref={scrollRef} data-testid="problem-list" tabIndex={0} role="list" aria-label={`${count} problems`}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const problem = pages.rowAt(item.index);
            if (!problem) {
              return (
                <div key={item.key} className="problem-row" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
                  <span className="skeleton-text" />
                </div>
              );
            }
            return <ProblemRow key={item.key} problem={problem} index={item.index} start={item.start} measure={virtualizer.measureElement} />;
          })}
        </div>
      </div>
    );

  return (
    <div className="problems">
      <header className="problems-head">
        <h2>Problems</h2>
        <span className="muted small">{count === 0 ? '' : `${formatCount(count)} ${count === 1 ? 'input' : 'inputs'} could not be read`}</span>
      </header>
      {workspace ? <RenamedIds workspace={workspace} /> : null}
      {count > 0 ? (
        <div className="problem-columns small muted" aria-hidden="true">
          <span className="problem-where">file:line</span>
          <span className="problem-field">field</span>
          <span className="problem-message">message</span>
        </div>
      ) : null}
      {body}
    </div>
  );
}
