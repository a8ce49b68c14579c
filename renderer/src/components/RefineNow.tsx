/**
 * "Refine this document now" (issue 15.9): one document through the batch's path, with the
 * last batch's programmer or a rule preset chosen here. The result replaces the view's
 * document; what happened is said under the header.
 */
import { useState } from 'react';
import { DEFAULT_RULE_PRESET, type DocRefineResult, type ProgrammerSpec } from '../../../contract/api';
import { errorMessage } from '../api/client';
import { RULE_PRESET_CHOICES } from '../rules/rule-spec';
import { useApp } from '../store/app';

const LAST = '';

/** `blocked`: why this document cannot be refined now (a hand edit holds it), or null. */
export function RefineNow({ docId, onRefined, blocked }: { docId: string; onRefined: (result: DocRefineResult) => void; blocked: string | null }) {
  const client = useApp((s) => s.client);
  const notify = useApp((s) => s.notify);
  const job = useApp((s) => s.job);
  const [choice, setChoice] = useState(LAST);
  const [busy, setBusy] = useState(false);
  const batchRunning = job?.state === 'running' || job?.state === 'paused';

  const lastLabel = job?.spec ? (job.programmer ?? 'the last batch’s programmer') : null;
  const run = async (): Promise<void> => {
    setBusy(true);
    try {
      const programmer: ProgrammerSpec | undefined = choice === LAST ? undefined : { type: 'rules', preset: choice };
      onRefined(await client.call('doc.refine', { docId, ...(programmer ? { programmer } : {}) }));
    } catch (err) {
      notify('error', `Could not refine ${docId}: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <span className="refine-now">
      <select value={choice} onChange={(e) => {
          setChoice(e.target.value);
          // Give the keys back to the list and the operations (j / k, 1–9).
          e.target.blur();
        }} aria-label="refine with" disabled={busy || blocked !== null} title="The programmer that refines this document">
        <option value={LAST}>{lastLabel ? `last batch: ${lastLabel}` : `default rules (${DEFAULT_RULE_PRESET})`}</option>
        {RULE_PRESET_CHOICES.map((p) => (
          <option key={p} value={p}>
            rules: {p}
          </option>
        ))}
      </select>
      <button
        className="btn"
        onClick={() => void run()}
        disabled={busy || blocked !== null || batchRunning}
        title={blocked ?? (batchRunning ? 'A batch is running: refine this document when it has ended' : 'Refine this document now, as a batch would (its program cache too)')}
      >
        {busy ? 'Refining…' : 'Refine now'}
      </button>
    </span>
  );
}
