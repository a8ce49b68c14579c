/**
 * Stats: retention per programmer over the same corpus (documents, words and tokens kept),
 * from stats.programmers. The workspace executes every programmer's programs for every
 * document, a time slice per call, so this card asks slice after slice with a progress bar and
 * never holds the server for long; a finished pass is answered at once until programs change.
 */
import { useEffect, useState } from 'react';
import type { ProgrammerRetention as Retention, ProgrammerRetentionPass } from '../../../contract/api';
import { errorMessage } from '../api/client';
import { formatCount, formatPercent } from '../format';
import { useApp } from '../store/app';
import { ProgressBar } from './ProgressBar';

/** Milliseconds of server work per call: short enough for other requests to get through between calls. */
const SLICE_MS = 150;

function KeptCell({ kept, of, what }: { kept: number; of: number; what: string }) {
  return (
    <td className="num retention-cell" title={`${formatCount(kept)} of ${formatCount(of)} ${what} kept`}>
      <div className="retention-percent">{formatPercent(kept, of)}</div>
      <div className="muted small">
        {formatCount(kept)} of {formatCount(of)}
      </div>
      <div className="metric-bar">
        <div style={{ width: of > 0 ? `${Math.min(100, (100 * kept) / of)}%` : '0%' }} />
      </div>
    </td>
  );
}

function Row({ p, corpus }: { p: Retention; corpus: number }) {
  return (
    <tr data-testid="programmer-retention-row" data-programmer={p.label}>
      <td>
        <div>{p.label}</div>
        <div className="muted small mono" title={p.key}>
          {p.dialect === 'ultrax' ? 'UltraX' : 'ProX'} program
        </div>
      </td>
      <td className="num">
        {formatCount(p.documents)}
        {p.documents < corpus ? <div className="muted small">of {formatCount(corpus)}</div> : null}
      </td>
      <KeptCell kept={p.keptDocuments} of={p.documents} what="documents" />
      <KeptCell kept={p.keptWords} of={p.originalWords} what="words" />
      <KeptCell kept={p.keptTokens} of={p.originalTokens} what="tokens (estimated)" />
    </tr>
  );
}

export function ProgrammerRetention() {
  const client = useApp((s) => s.client);
  const listVersion = useApp((s) => s.listVersion);
  /** The pass under way (or just finished) and the last finished one, shown while the next is computed. */
  const [pass, setPass] = useState<ProgrammerRetentionPass | null>(null);
  const [shown, setShown] = useState<ProgrammerRetentionPass | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    const run = async (): Promise<void> => {
      let next = await client.call('stats.programmers', { resume: false, budgetMs: SLICE_MS });
      let again = true;
      for (;;) {
        if (!live) return;
        setPass(next);
        setError(null);
        if (next.complete) {
          setShown(next);
          // Figures that mix before and after a change: once more at once, unless a batch is still changing programs.
          if (!next.stale || !again || useApp.getState().job?.state === 'running') return;
          again = false;
          next = await client.call('stats.programmers', { resume: false, budgetMs: SLICE_MS });
          continue;
        }
        next = await client.call('stats.programmers', { resume: true, budgetMs: SLICE_MS });
      }
    };
    run().catch((err: unknown) => {
      if (live) setError(errorMessage(err));
    });
    return () => {
      live = false;
    };
  }, [client, listVersion, attempt]);

  const programmers = shown ? [...shown.programmers].sort((a, b) => a.label.localeCompare(b.label)) : [];
  const computing = pass && !pass.complete ? <ProgressBar done={pass.done} total={pass.total} label={shown ? 'Updating: documents' : "Executing every programmer's programs: documents"} /> : null;
  return (
    <section className="card" aria-label="retention per programmer" data-testid="programmer-retention">
      <h3>Retention per programmer</h3>
      {error ? (
        <div className="field-error" role="alert">
          Could not compute the retention per programmer: {error}{' '}
          <button className="btn-small" onClick={() => setAttempt((a) => a + 1)}>
            Retry
          </button>
        </div>
      ) : null}
      {computing}
      {!shown ? (
        !pass && !error ? <div className="muted small">Starting…</div> : null
      ) : programmers.length === 0 ? (
        <div className="muted small">No programmer has refined this corpus yet. Run a batch, then another programmer on the same corpus, to compare them here.</div>
      ) : (
        <>
          <table className="grid retention-table" aria-label="documents, words and tokens kept per programmer" data-complete={pass?.complete ? 'true' : 'false'}>
            <thead>
              <tr>
                <th>Programmer</th>
                <th className="num">Documents refined</th>
                <th className="num">Documents kept</th>
                <th className="num">Words kept</th>
                <th className="num">Tokens kept</th>
              </tr>
            </thead>
            <tbody>
              {programmers.map((p) => (
                <Row key={`${p.dialect}:${p.label}`} p={p} corpus={shown.total} />
              ))}
            </tbody>
          </table>
          <div className="muted small retention-note">
            Each programmer&apos;s own programs over the {formatCount(shown.total)} documents, every operation on, the kind switches in force (hand edits and
            per-document switches are not counted); tokens estimated for the Llama-2 vocabulary. Computed in {(shown.elapsedMs / 1000).toFixed(1)} s.
          </div>
          {shown.stale && pass?.complete ? (
            <div className="notice" role="status">
              Programs or switches changed while these figures were computed, so they mix before and after.{' '}
              <button className="btn-small" onClick={() => setAttempt((a) => a + 1)}>
                Recompute
              </button>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
