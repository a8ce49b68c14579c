/** Models: the profiles' models installed in one click, the GGUF files Refinery knows, adding one (path, hf: URI, URL) with download progress, the runtime, and a try-it button. */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { EventPayload, MethodOutput, ProgramView, Stage } from '../../../contract/api';
import { errorMessage } from '../api/client';
import { ProfileInstall } from '../components/ProfileInstall';
import { ProgressBar } from '../components/ProgressBar';
import { Empty, ErrorState, Loading } from '../components/States';
import { formatBytes } from '../format';
import { useApp } from '../store/app';

type Model = MethodOutput<'models.list'>[number];
type Runtime = MethodOutput<'models.runtime'>;

export function Models() {
  const client = useApp((s) => s.client);
  const selectedDocId = useApp((s) => s.selectedDocId);
  const notify = useApp((s) => s.notify);
  const [models, setModels] = useState<Model[] | null>(null);
  const [modelsError, setModelsError] = useState<string | null>(null);
  const [runtime, setRuntime] = useState<Runtime | null>(null);
  const [runtimeError, setRuntimeError] = useState<string | null>(null);
  const [source, setSource] = useState('');
  const [adding, setAdding] = useState(false);
  const [download, setDownload] = useState<EventPayload<'models.download'> | null>(null);
  const [tryStage, setTryStage] = useState<Stage>('doc');
  const [trying, setTrying] = useState<string | null>(null);
  const [tried, setTried] = useState<{ model: string; view: ProgramView } | null>(null);

  const load = useCallback(() => {
    client.call('models.list', {}).then(
      (m) => {
        setModels(m);
        setModelsError(null);
      },
      (err: unknown) => setModelsError(errorMessage(err)),
    );
    client.call('models.runtime', {}).then(setRuntime, (err: unknown) => setRuntimeError(errorMessage(err)));
  }, [client]);
  useEffect(load, [load]);
  useEffect(() => client.on('models.download', setDownload), [client]);

  const add = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setAdding(true);
    setDownload(null);
    try {
      const model = await client.call('models.add', { source: source.trim() });
      notify('info', `Added ${model.name}`);
      setSource('');
      load();
    } catch (err) {
      notify('error', `Could not add the model: ${errorMessage(err)}`);
    } finally {
      setAdding(false);
    }
  };

  const tryModel = async (model: Model): Promise<void> => {
    if (!selectedDocId) return;
    setTrying(model.id);
    try {
      setTried({ model: model.name, view: await client.call('models.try', { docId: selectedDocId, model: model.id, stage: tryStage }) });
    } catch (err) {
      notify('error', `The model could not write a program: ${errorMessage(err)}`);
    } finally {
      setTrying(null);
    }
  };

  return (
    <div className="page">
      <h2>Models</h2>
      <ProfileInstall onInstalled={load} />
      <section className="card">
        <h3>Runtime</h3>
        {runtimeError ? <div className="field-error">{runtimeError}</div> : !runtime ? <Loading what="runtime" /> : (
          <table className="kv">
            <tbody>
              <tr>
                <th>Backend</th>
                <td>
                  {runtime.backend} {runtime.gpuAvailable ? <span className="badge badge-ok">GPU</span> : <span className="badge">CPU only</span>}
                </td>
              </tr>
              <tr>
                <th>Device</th>
                <td>{runtime.device ?? '—'}</td>
              </tr>
              <tr>
                <th>GPU memory</th>
                <td>{runtime.vramBytes !== null ? formatBytes(runtime.vramBytes) : '—'}</td>
              </tr>
              {runtime.note ? (
                <tr>
                  <th>Note</th>
                  <td>{runtime.note}</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        )}
      </section>
      <section className="card">
        <h3>Add a model</h3>
        <form onSubmit={(e) => void add(e)} className="field-row">
          <input value={source} onChange={(e) => setSource(e.target.value)} placeholder="e.g. gair-prox/web-chunk-refining-lm, hf:QuantFactory/web-doc-refining-lm-GGUF:Q8_0, /path/model.gguf, a checkpoint folder or https://…/model.gguf" aria-label="model source" spellCheck={false} disabled={adding} />
          <button className="btn btn-primary" disabled={adding || !source.trim()}>
            {adding ? 'Adding…' : 'Add'}
          </button>
        </form>
        {adding && download && !download.done ? (
          <ProgressBar done={download.bytes} total={download.total ?? Math.max(download.bytes, 1)} label={download.file} rate={formatBytes(download.bytes)} />
        ) : null}
        {download?.error ? <div className="field-error">{download.error}</div> : null}
        <p className="muted small">
          A Hugging Face checkpoint (a folder with <code>config.json</code>, or <code>owner/repo</code> without GGUF files) is converted to a Q8_0 GGUF in the models folder.
        </p>
      </section>
      <section className="card">
        <h3>
          Installed models
          <select value={tryStage} onChange={(e) => setTryStage(e.target.value as Stage)} aria-label="stage to try" className="inline-select">
            <option value="doc">try: document stage</option>
            <option value="chunk">try: chunk stage</option>
          </select>
        </h3>
        {modelsError ? <ErrorState title="Could not list models" message={modelsError} onRetry={load} /> : null}
        {!models && !modelsError ? <Loading what="models" /> : null}
        {models && models.length === 0 ? <Empty title="No models yet">Install a profile's models above (one click), add a GGUF refining model, or refine with the built-in quality rules on the Batch screen.</Empty> : null}
        {models && models.length > 0 ? (
          <table className="grid">
            <thead>
              <tr>
                <th>Name</th>
                <th>Architecture</th>
                <th>Parameters</th>
                <th>Quant</th>
                <th>Size</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {models.map((m) => (
                <tr key={m.id}>
                  <td title={m.path}>{m.name}</td>
                  <td>{m.architecture ?? '—'}</td>
                  <td>{m.parameters !== null ? `${(m.parameters / 1e6).toFixed(0)}M` : '—'}</td>
                  <td>{m.quantization ?? '—'}</td>
                  <td>{formatBytes(m.bytes)}</td>
                  <td>
                    <button className="btn btn-small" disabled={!selectedDocId || trying !== null} title={selectedDocId ? `Write a program for ${selectedDocId}` : 'Select a document on the Corpus screen first'} onClick={() => void tryModel(m)}>
                      {trying === m.id ? 'Running…' : 'Try on this document'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {tried ? (
          <div className="tried">
            <div className="muted small">
              {tried.model} on {selectedDocId}
              {tried.view.keepProbability !== null ? ` · keep p=${tried.view.keepProbability.toFixed(2)}` : ''}
            </div>
            {tried.view.failure ? <div className="field-error">{tried.view.failure}</div> : <pre className="program-text">{tried.view.text || '(empty program)'}</pre>}
          </div>
        ) : null}
      </section>
    </div>
  );
}
