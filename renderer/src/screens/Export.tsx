/**
 * Export: destination, compression, audit files, what happens to documents whose programmer
 * failed (written marked, or held back), the toggles in force; progress; where it went.
 */
import { useEffect, useState } from 'react';
import { compressionFor, EXPORT_EXTENSION, withCompression, type Compression, type EventPayload, type ExportRequest, type MethodOutput } from '../../../contract/api';
import { errorMessage } from '../api/client';
import { ProgressBar } from '../components/ProgressBar';
import { formatBytes, formatCount } from '../format';
import { useApp } from '../store/app';

/** The server's refusal to replace a file that is not a previous export (main/workspace/export-target.ts). */
const NOT_AN_EXPORT = /exists and is not a Refinery export/;

type FailedChoice = NonNullable<ExportRequest['failed']>;

/** What the export did with the failed documents, in the words of the choice made. */
function failedOutcome(count: number, choice: FailedChoice): string {
  const docs = `${formatCount(count)} ${count === 1 ? 'document' : 'documents'} whose programmer failed`;
  return choice === 'hold'
    ? `Held back ${docs}: ${count === 1 ? 'it is' : 'they are'} not in the file. Run a batch again to retry ${count === 1 ? 'it' : 'them'}.`
    : `${docs.charAt(0).toUpperCase()}${docs.slice(1)} ${count === 1 ? 'is' : 'are'} in the file, marked with metadata.failed. Run a batch again to retry ${count === 1 ? 'it' : 'them'}.`;
}

export function Export() {
  const client = useApp((s) => s.client);
  const workspace = useApp((s) => s.workspace);
  const toggles = useApp((s) => s.toggles);
  const job = useApp((s) => s.job);
  const [out, setOut] = useState(() => (workspace ? `${workspace.folder.replace(/[/\\]+$/, '')}.refined.jsonl` : ''));
  // The file name decides, as in the CLI: choosing a compression renames the file, and a name
  // ending in .gz or .zst chooses its compression.
  const compression = compressionFor(out.trim());
  const [auditDropped, setAuditDropped] = useState(false);
  const [auditRemovedLines, setAuditRemovedLines] = useState(false);
  const [failed, setFailed] = useState<FailedChoice>('include');
  // The choice the shown result was made with (the radio may have changed since).
  const [resultFailed, setResultFailed] = useState<FailedChoice>('include');
  const [progress, setProgress] = useState<EventPayload<'export.progress'> | null>(null);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<MethodOutput<'export.run'> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => client.on('export.progress', setProgress), [client]);

  const changeCompression = (next: Compression): void => setOut((current) => withCompression(current.trim(), next));

  const choose = async (): Promise<void> => {
    const chosen = await client.bridge?.chooseExportFile(out.split(/[/\\]/).pop() ?? `refined${EXPORT_EXTENSION[compression]}`);
    if (chosen) setOut(chosen);
  };

  const run = async (overwrite = false): Promise<void> => {
    setRunning(true);
    setResult(null);
    setError(null);
    setProgress(null);
    try {
      setResult(await client.call('export.run', { out: out.trim(), compression, auditDropped, auditRemovedLines, failed, overwrite }));
      setResultFailed(failed);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setRunning(false);
    }
  };

  const off = toggles ? (Object.entries(toggles) as [string, boolean][]).filter(([, on]) => !on).map(([k]) => k) : [];

  return (
    <div className="page">
      <h2>Export</h2>
      <section className="card">
        <label className="field">
          <span>Destination file (on the machine running Refinery)</span>
          <div className="field-row">
            <input value={out} onChange={(e) => setOut(e.target.value)} aria-label="export path" spellCheck={false} disabled={running} />
            {client.bridge ? (
              <button className="btn" onClick={() => void choose()} disabled={running}>
                Choose…
              </button>
            ) : null}
          </div>
        </label>
        <div className="field-row">
          <label className="field">
            <span>Compression (follows the file name)</span>
            <select value={compression} onChange={(e) => changeCompression(e.target.value as Compression)} aria-label="compression" disabled={running}>
              <option value="none">None (.jsonl)</option>
              <option value="gzip">gzip (.jsonl.gz)</option>
              <option value="zstd">zstd (.jsonl.zst)</option>
            </select>
          </label>
          <fieldset className="field">
            <legend>Audit files beside the export</legend>
            <label className="check">
              <input type="checkbox" checked={auditDropped} onChange={(e) => setAuditDropped(e.target.checked)} disabled={running} /> Dropped documents with reasons
            </label>
            <label className="check">
              <input type="checkbox" checked={auditRemovedLines} onChange={(e) => setAuditRemovedLines(e.target.checked)} disabled={running} /> Removed lines
            </label>
          </fieldset>
        </div>
        <fieldset className="field" aria-describedby="failed-help">
          <legend>Documents whose programmer failed</legend>
          <label className="check">
            <input type="radio" name="failed" value="include" checked={failed === 'include'} onChange={() => setFailed('include')} disabled={running} /> Include them, marked as failed
          </label>
          <label className="check">
            <input type="radio" name="failed" value="hold" checked={failed === 'hold'} onChange={() => setFailed('hold')} disabled={running} /> Hold them back
          </label>
          <div className="muted small" id="failed-help" data-testid="failed-help">
            {failed === 'include'
              ? 'Each is written with its text as far as its other programs take it (the original text when no stage succeeded) and metadata.failed naming every failed stage and what went wrong, so it can be filtered out later.'
              : 'They are left out of the file, and are neither counted as dropped nor written to the dropped-documents audit.'}{' '}
            Either way they stay failed in this workspace (Corpus: Errors filter, Stats), and the next batch asks their programmer again unless told not to on the Batch screen.
            {job && job.errors > 0 ? ` The last batch left ${formatCount(job.errors)} failed ${job.errors === 1 ? 'program' : 'programs'}.` : ''}
          </div>
        </fieldset>
        <div className="muted small">
          Toggles in force: {off.length === 0 ? 'every operation kind applies' : `switched off everywhere: ${off.join(', ')}`}; per-document switches apply too. One JSON object per kept document: id, text, source file and line, programs.
        </div>
        <div className="actions">
          <button className="btn btn-primary" onClick={() => void run()} disabled={running || !out.trim()}>
            {running ? 'Exporting…' : 'Export'}
          </button>
        </div>
        {running ? <ProgressBar done={progress?.done ?? 0} total={progress?.total ?? 1} label="documents" rate={progress ? formatBytes(progress.bytes) : undefined} eta={progress?.etaSeconds ?? null} /> : null}
        {error ? (
          <div className="field-error" role="alert">
            Export failed, nothing was written: {error}
            {NOT_AN_EXPORT.test(error) ? (
              <div className="actions">
                <button className="btn" onClick={() => void run(true)} disabled={running}>
                  Replace it
                </button>
              </div>
            ) : null}
          </div>
        ) : null}
        {result ? (
          <div className="result" role="status" data-testid="export-result">
            Wrote {formatCount(result.documents)} documents ({formatBytes(result.bytes)}{compression !== 'none' ? `, ${compression}` : ''}) to <span className="mono">{result.path}</span>
            {result.auditFiles.length ? (
              <ul>
                {result.auditFiles.map((f) => (
                  <li key={f} className="mono">
                    {f}
                  </li>
                ))}
              </ul>
            ) : null}
            {result.failed ? (
              <div className="small" data-testid="export-failed">
                {failedOutcome(result.failed, resultFailed)}
              </div>
            ) : null}
          </div>
        ) : null}
      </section>
    </div>
  );
}
