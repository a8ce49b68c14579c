/** Retention of documents, words and tokens; length histograms before/after; counts per operation and rule. */
import { useCallback, useEffect, useState } from 'react';
import type { Stats as StatsData } from '../../../contract/api';
import { errorMessage } from '../api/client';
import { ErrorState, Loading } from '../components/States';
import { formatCount, formatPercent } from '../format';
import { useApp } from '../store/app';

function Retention({ label, before, after, note }: { label: string; before: number; after: number; note?: string }) {
  return (
    <div className="metric">
      <div className="metric-label">{label}</div>
      <div className="metric-value">{formatPercent(after, before)}</div>
      <div className="metric-sub">
        {formatCount(Math.round(after))} of {formatCount(Math.round(before))}
        {note ? ` · ${note}` : ''}
      </div>
      <div className="metric-bar">
        <div style={{ width: before > 0 ? `${Math.min(100, (100 * after) / before)}%` : '0%' }} />
      </div>
    </div>
  );
}

function Histogram({ data }: { data: StatsData['lengthHistogram'] }) {
  const max = Math.max(1, ...data.before, ...data.after);
  const bins = data.before.length;
  if (bins === 0) return <div className="muted small">No documents yet.</div>;
  const w = 640;
  const h = 160;
  const bw = w / bins;
  // Edges may or may not include the upper bound of the last bin.
  const label = (i: number): string => {
    const edge = data.edges[i];
    if (edge !== undefined && Number.isFinite(edge)) return formatCount(Math.round(edge));
    const last = data.edges[data.edges.length - 1];
    return last !== undefined && Number.isFinite(last) ? `${formatCount(Math.round(last))}+` : '';
  };
  return (
    <figure className="histogram">
      <svg viewBox={`0 0 ${w} ${h + 18}`} role="img" aria-label="token length histogram before and after refining">
        {data.before.map((b, i) => {
          const a = data.after[i] ?? 0;
          const hb = (h * b) / max;
          const ha = (h * a) / max;
          return (
            <g key={i}>
              <rect className="bar-before" x={i * bw + 1} y={h - hb} width={bw - 2} height={hb}>
                <title>{`${label(i)}–${label(i + 1)} tokens: ${b} before, ${a} after`}</title>
              </rect>
              <rect className="bar-after" x={i * bw + bw * 0.25} y={h - ha} width={bw * 0.5} height={ha} />
            </g>
          );
        })}
        {[0, Math.floor(bins / 4), Math.floor(bins / 2), Math.floor((3 * bins) / 4), bins].map((i) => (
          <text key={i} x={Math.min(w - 4, i * bw)} y={h + 14} className="axis" textAnchor={i === 0 ? 'start' : i === bins ? 'end' : 'middle'}>
            {label(i)}
          </text>
        ))}
      </svg>
      <figcaption>
        <span className="legend legend-before" /> before <span className="legend legend-after" /> after · document length in tokens
      </figcaption>
    </figure>
  );
}

function Counts({ title, counts }: { title: string; counts: Record<string, number> }) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return (
    <section className="card">
      <h3>{title}</h3>
      {entries.length === 0 ? (
        <div className="muted small">None yet.</div>
      ) : (
        <table className="kv">
          <tbody>
            {entries.map(([k, v]) => (
              <tr key={k}>
                <th className="mono">{k}</th>
                <td>{formatCount(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Pages dropped, pages changed and lines removed per rule, with a way to switch an eager rule off. */
function RuleTable({ rules }: { rules: StatsData['rules'] }) {
  const switchOffRule = useApp((s) => s.switchOffRule);
  const entries = Object.entries(rules).sort((a, b) => b[1].dropped - a[1].dropped || b[1].lines - a[1].lines || b[1].pages - a[1].pages || a[0].localeCompare(b[0]));
  return (
    <section className="card">
      <h3>What each rule took</h3>
      {entries.length === 0 ? (
        <div className="muted small">No rule has taken anything yet.</div>
      ) : (
        <table className="grid rule-table" aria-label="what each rule took">
          <thead>
            <tr>
              <th>Rule</th>
              <th className="num">Pages dropped</th>
              <th className="num">Pages changed</th>
              <th className="num">Lines removed</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {entries.map(([rule, r]) => (
              <tr key={rule}>
                <td>
                  <div className="mono">{rule}</div>
                  {r.description ? <div className="muted small">{r.description}</div> : null}
                </td>
                <td className="num">{formatCount(r.dropped)}</td>
                <td className="num">{formatCount(r.pages - r.dropped)}</td>
                <td className="num">{formatCount(r.lines)}</td>
                <td className="num">
                  {r.description ? (
                    <button className="btn-small" onClick={() => switchOffRule(rule)} title={`Open Batch with ${rule} switched off`}>
                      Switch off…
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function Stats() {
  const client = useApp((s) => s.client);
  const listVersion = useApp((s) => s.listVersion);
  const [stats, setStats] = useState<StatsData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    client.call('stats.get', {}).then(
      (s) => {
        setStats(s);
        setError(null);
      },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [client]);
  useEffect(load, [load, listVersion]);

  if (error) return <ErrorState title="Could not compute statistics" message={error} onRetry={load} />;
  if (!stats) return <Loading what="statistics" />;
  return (
    <div className="page">
      <h2>Statistics</h2>
      <div className="metrics">
        <Retention label="Documents kept" before={stats.documents.before} after={stats.documents.after} />
        <Retention label="Words kept" before={stats.words.before} after={stats.words.after} />
        <Retention label="Tokens kept" before={stats.tokens.before} after={stats.tokens.after} note={stats.tokens.estimated ? 'estimated' : undefined} />
        <div className="metric">
          <div className="metric-label">Refined</div>
          <div className="metric-value">{formatCount(stats.refined.doc)}</div>
          <div className="metric-sub">doc stage · {formatCount(stats.refined.chunk)} chunk stage</div>
        </div>
        {stats.failed.documents > 0 && (
          <div className="metric" data-testid="stats-failed">
            <div className="metric-label">Failed</div>
            <div className="metric-value">{formatCount(stats.failed.documents)}</div>
            <div className="metric-sub">programmer failed · Corpus: Errors · retried by the next refine</div>
          </div>
        )}
      </div>
      <section className="card">
        <h3>Length distribution</h3>
        <Histogram data={stats.lengthHistogram} />
      </section>
      <Counts title="Operations applied" counts={stats.operations} />
      <RuleTable rules={stats.rules} />
    </div>
  );
}
