/** Retention of documents, words and tokens (corpus-wide and per programmer); length histograms before/after; counts per operation and rule. */
import { useCallback, useEffect, useState } from 'react';
import type { Stats as StatsData } from '../../../contract/api';
import { errorMessage } from '../api/client';
import { ProgrammerRetention } from '../components/ProgrammerRetention';
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

/** Round tick values for a y-axis from 0 to at least `max`. */
export function yTicks(max: number): number[] {
  if (max <= 0) return [0];
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  // Whole documents: never a step below 1.
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((c) => c >= rough) ?? 10 * magnitude);
  const ticks: number[] = [];
  for (let t = 0; ; t += step) {
    ticks.push(t);
    if (t >= max) return ticks;
  }
}

function Histogram({ data }: { data: StatsData['lengthHistogram'] }) {
  // Only the range the data occupies: empty bins below the shortest and above the longest go.
  const used = data.before.map((b, i) => b + (data.after[i] ?? 0) > 0);
  const first = used.indexOf(true);
  const last = used.lastIndexOf(true);
  if (first < 0) return <div className="muted small">No documents yet.</div>;
  const before = data.before.slice(first, last + 1);
  const after = data.after.slice(first, last + 1);
  const bins = before.length;
  const ticks = yTicks(Math.max(1, ...before, ...after));
  const top = ticks[ticks.length - 1]!;
  const left = 44;
  const w = 640;
  const h = 160;
  const plot = w - left;
  const bw = plot / bins;
  const edge = (i: number): string => {
    const e = data.edges[first + i];
    if (e !== undefined && Number.isFinite(e)) return formatCount(Math.round(e));
    const lastEdge = data.edges[data.edges.length - 1];
    return lastEdge !== undefined && Number.isFinite(lastEdge) ? `${formatCount(Math.round(lastEdge))}+` : '';
  };
  const y = (n: number): number => h - (h * n) / top;
  return (
    <figure className="histogram">
      <svg viewBox={`0 -10 ${w} ${h + 42}`} role="img" aria-label="token length histogram before and after refining">
        {ticks.map((t) => (
          <g key={t} className="y-tick">
            <line x1={left - 4} x2={w} y1={y(t) + 0.5} y2={y(t) + 0.5} className="grid-line" />
            <text x={left - 6} y={y(t) + 4} className="axis" textAnchor="end">
              {formatCount(t)}
            </text>
          </g>
        ))}
        {before.map((b, i) => {
          const a = after[i] ?? 0;
          return (
            <g key={i}>
              <rect className="bar-before" x={left + i * bw + 1} y={y(b)} width={bw - 2} height={h - y(b)}>
                <title>{`${edge(i)}–${edge(i + 1)} tokens: ${b} documents before, ${a} after`}</title>
              </rect>
              <rect className="bar-after" x={left + i * bw + bw * 0.25} y={y(a)} width={bw * 0.5} height={h - y(a)} />
            </g>
          );
        })}
        {Array.from({ length: bins + 1 }, (_, i) => i)
          .filter((i) => bins <= 8 || i % Math.ceil(bins / 8) === 0 || i === bins)
          .map((i) => (
            <text key={i} x={left + i * bw} y={h + 14} className="axis" textAnchor={i === 0 ? 'start' : i === bins ? 'end' : 'middle'}>
              {edge(i)}
            </text>
          ))}
        <text x={left + plot / 2} y={h + 29} className="axis" textAnchor="middle">
          document length (tokens)
        </text>
        <text x={10} y={h / 2} className="axis" textAnchor="middle" transform={`rotate(-90 10 ${h / 2})`}>
          documents
        </text>
      </svg>
      <figcaption>
        <span className="legend legend-before" /> before <span className="legend legend-after" /> after · {formatCount(bins)} bins from the shortest to the longest document
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
function RuleTables({ rules }: { rules: StatsData['rules'] }) {
  // A rule that removed lines is a line rule; one that only dropped pages, a drop rule.
  const line = Object.fromEntries(Object.entries(rules).filter(([, r]) => r.lines > 0));
  const drop = Object.fromEntries(Object.entries(rules).filter(([, r]) => r.lines === 0));
  return (
    <>
      <RuleTable rules={drop} title="Drop rules: pages they dropped" kind="drop rules" />
      <RuleTable rules={line} title="Line rules: lines they removed, on how many pages" kind="line rules" />
    </>
  );
}

function RuleTable({ rules, title, kind }: { rules: StatsData['rules']; title: string; kind: string }) {
  const switchOffRule = useApp((s) => s.switchOffRule);
  const entries = Object.entries(rules).sort((a, b) => b[1].dropped - a[1].dropped || b[1].lines - a[1].lines || b[1].pages - a[1].pages || a[0].localeCompare(b[0]));
  return (
    <section className="card">
      <h3>{title}</h3>
      {entries.length === 0 ? (
        <div className="muted small">None of the {kind} has taken anything yet.</div>
      ) : (
        <table className="grid rule-table" aria-label={`what each rule took: ${kind}`}>
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
                    <button className="btn btn-small" onClick={() => switchOffRule(rule)} title={`Open Batch with ${rule} switched off`}>
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
    <div className="page page-wide">
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
      <ProgrammerRetention />
      <section className="card">
        <h3>Length distribution</h3>
        <Histogram data={stats.lengthHistogram} />
      </section>
      <Counts title="Operations applied" counts={stats.operations} />
      <RuleTables rules={stats.rules} />
    </div>
  );
}
