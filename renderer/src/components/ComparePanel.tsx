/**
 * The compare view: every programmer's refinement of one document side by side (doc.compare),
 * one column per programmer (up to three), each original line marked kept or removed, with
 * the lines kept by all, by some, by none, and whether the document verdicts agree.
 */
import { useEffect, useState } from 'react';
import type { CompareView } from '../../../contract/api';
import { errorMessage } from '../api/client';
import { formatCount } from '../format';
import { useApp } from '../store/app';
import { ErrorState, Loading } from './States';

const MAX_COLUMNS = 3;

export function ComparePanel({ docId }: { docId: string }) {
  const client = useApp((s) => s.client);
  const listVersion = useApp((s) => s.listVersion);
  const [view, setView] = useState<CompareView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    client
      .call('doc.compare', { docId })
      .then((v) => {
        if (live) {
          setView(v);
          setError(null);
        }
      })
      .catch((err: unknown) => {
        if (live) setError(errorMessage(err));
      });
    return () => {
      live = false;
    };
  }, [client, docId, listVersion, attempt]);

  if (error) return <ErrorState title="Could not compare the programmers" message={error} onRetry={() => setAttempt((a) => a + 1)} />;
  if (!view) return <Loading what="comparison" />;
  if (view.refinements.length === 0) return <div className="muted compare-empty">No programmer has refined this document yet.</div>;
  const shown = view.refinements.slice(0, MAX_COLUMNS);
  const { keptByAll, keptBySome, keptByNone, verdictsAgree } = view.agreement;
  return (
    <section className="compare" aria-label="compare programmers" data-testid="compare">
      <div className="compare-summary" data-testid="compare-agreement">
        <span>
          {formatCount(view.refinements.length)} programmers · lines kept by all <b>{formatCount(keptByAll)}</b>, by some <b>{formatCount(keptBySome)}</b>, by none <b>{formatCount(keptByNone)}</b>
        </span>
        <span className={`badge ${verdictsAgree ? '' : 'badge-error'}`}>{verdictsAgree ? 'verdicts agree' : 'verdicts differ'}</span>
        {view.refinements.length > MAX_COLUMNS ? <span className="muted small">showing the first {MAX_COLUMNS}</span> : null}
      </div>
      <div className="compare-scroll">
        <table className="compare-table">
          <thead>
            <tr>
              <th className="ln">#</th>
              <th>Original</th>
              {shown.map((r) => (
                <th key={r.key} title={r.key} data-testid="compare-column">
                  {r.label} <span className="muted small">({r.dialect})</span>
                  <div>
                    <span className={`status status-${r.verdict}`}>{r.verdict}</span>{' '}
                    <span className="muted small">
                      {formatCount(r.keptWords)} / {formatCount(r.originalWords)} words
                    </span>
                  </div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {view.lines.map((line, i) => {
              const keptBy = shown.filter((r) => r.kept[i]).length;
              const agreement = keptBy === shown.length ? 'all' : keptBy === 0 ? 'none' : 'some';
              return (
                <tr key={i} className={`compare-row compare-${agreement}`}>
                  <td className="ln">{i}</td>
                  <td className="cell">{line}</td>
                  {shown.map((r) => (
                    <td key={r.key} className={r.kept[i] ? 'compare-kept' : 'compare-removed'} title={r.kept[i] ? 'kept' : 'removed'}>
                      {r.kept[i] ? '✓' : '✗'}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
