/** First screen: open a folder (native dialog in Electron, a path field in a browser) or a recent workspace. */
import { type FormEvent, useEffect, useState } from 'react';
import type { EventPayload, MethodOutput } from '../../../contract/api';
import { errorMessage } from '../api/client';
import { ProgressBar } from '../components/ProgressBar';
import { formatCount, formatRate } from '../format';
import { useApp } from '../store/app';

type Recent = MethodOutput<'workspace.recent'>;
type ScanProgress = EventPayload<'scan.progress'>;

export function Welcome() {
  const client = useApp((s) => s.client);
  const setWorkspace = useApp((s) => s.setWorkspace);
  const [folder, setFolder] = useState('');
  const [textField, setTextField] = useState('');
  const [idField, setIdField] = useState('');
  const [recent, setRecent] = useState<Recent | null>(null);
  const [recentError, setRecentError] = useState<string | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const [scan, setScan] = useState<ScanProgress | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client.call('workspace.recent', {}).then(setRecent, (err: unknown) => setRecentError(errorMessage(err)));
    return client.on('scan.progress', setScan);
  }, [client]);

  const open = async (path: string): Promise<void> => {
    const trimmed = path.trim();
    if (!trimmed) {
      setError('Type the path of a folder on the machine running Refinery.');
      return;
    }
    setOpening(trimmed);
    setScan(null);
    setError(null);
    try {
      const ws = await client.call('workspace.open', { folder: trimmed, ...(textField ? { textField } : {}), ...(idField ? { idField } : {}) });
      setWorkspace(ws);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setOpening(null);
    }
  };

  const browse = async (): Promise<void> => {
    const chosen = await client.bridge?.chooseFolder();
    if (chosen) {
      setFolder(chosen);
      await open(chosen);
    }
  };

  return (
    <div className="welcome">
      <div className="welcome-card">
        <h1>Refinery</h1>
        <p className="lede">
          Cleans a text corpus the ProX way: a small local model (or the built-in quality rules) writes a tiny program for every document — drop it, remove noisy lines, normalize strings.
          <br />
          You review every change side by side, switch any operation off, and export cleaned JSONL.
        </p>
        <form
          className="open-form"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            void open(folder);
          }}
        >
          <label className="field">
            <span>Folder of documents (.txt, .md, .jsonl[.gz|.zst], .json, .parquet)</span>
            <div className="field-row">
              <input value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/path/to/corpus" aria-label="folder path" autoFocus spellCheck={false} disabled={!!opening} />
              {client.bridge ? (
                <button type="button" className="btn" onClick={() => void browse()} disabled={!!opening}>
                  Browse…
                </button>
              ) : null}
              <button type="submit" className="btn btn-primary" disabled={!!opening}>
                Open
              </button>
            </div>
          </label>
          <details className="advanced">
            <summary>Field names for JSON input</summary>
            <div className="field-row">
              <label className="field">
                <span>Text field</span>
                <input value={textField} onChange={(e) => setTextField(e.target.value)} placeholder="text" />
              </label>
              <label className="field">
                <span>Id field</span>
                <input value={idField} onChange={(e) => setIdField(e.target.value)} placeholder="id" />
              </label>
            </div>
          </details>
        </form>
        {opening ? (
          <div className="scan">
            <div className="muted">Indexing {opening}…</div>
            {scan ? (
              <ProgressBar done={scan.filesDone} total={scan.filesTotal} label="files" rate={`${formatRate(scan.bytesPerSecond / 1e6, 'MB')} · ${formatCount(scan.documents)} docs`} eta={scan.etaSeconds} />
            ) : (
              <ProgressBar done={0} total={1} label="files" />
            )}
          </div>
        ) : null}
        {error ? (
          <div className="field-error" role="alert">
            {error}
          </div>
        ) : null}
        <h3>Recent workspaces</h3>
        {recentError ? <div className="field-error">{recentError}</div> : null}
        {recent && recent.length === 0 ? <div className="muted small">None yet. Opened folders appear here.</div> : null}
        {recent ? (
          <ul className="recent">
            {recent.map((r) => (
              <li key={r.folder}>
                <button className="link" onClick={() => void open(r.folder)} disabled={!!opening}>
                  <span className="mono">{r.folder}</span>
                  <span className="muted">
                    {formatCount(r.documents)} docs · {new Date(r.openedAt).toLocaleString()}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        ) : !recentError ? (
          <div className="muted small">Loading…</div>
        ) : null}
        <p className="muted small">Everything stays on this machine: the index is a SQLite file in your Refinery data folder.</p>
      </div>
    </div>
  );
}
