/**
 * The built-in profiles on the Models screen: the models each needs, named by their Hugging Face
 * repositories, which are installed, and an Install button that fetches the missing ones in one
 * step (models.installProfile) with progress (bytes, rate, time left) and Cancel.
 */
import { useCallback, useEffect, useState } from 'react';
import type { InstallProgress, ProfileInfo } from '../../../contract/api';
import { errorMessage } from '../api/client';
import { formatBytes } from '../format';
import { useApp } from '../store/app';
import { ProgressBar } from './ProgressBar';
import { ErrorState, Loading } from './States';

const STAGE_LABEL = { doc: 'Document stage', chunk: 'Chunk stage', ultrax: 'UltraX (whole document)' } as const;

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** What the install is doing now, in words. */
export function installActivity(p: InstallProgress): string {
  switch (p.action) {
    case 'download':
      return `downloading ${p.file ?? 'the GGUF build'} from ${p.repo}`;
    case 'fetch-checkpoint':
      return p.file ? `fetching the checkpoint ${p.repo}: ${p.file}` : `listing the files of ${p.repo}`;
    case 'convert':
      return `converting ${p.repo} to Q8_0 GGUF`;
    case 'present':
      return `${p.stage} model already installed`;
    case 'installed':
      return p.file ? `installed ${fileName(p.file)}` : 'installed';
  }
}

function InstallStatus({ progress, onCancel, cancelling }: { progress: InstallProgress; onCancel: () => void; cancelling: boolean }) {
  if (progress.state === 'failed') return <div className="field-error" data-testid="install-error">Install failed: {progress.message}</div>;
  if (progress.state === 'cancelled') return <div className="muted small" data-testid="install-cancelled">Install cancelled: {progress.message}.</div>;
  if (progress.state === 'done') return <div className="muted small" data-testid="install-done">{progress.message}</div>;
  const determinate = progress.total !== null && progress.total > 0;
  return (
    <div className="install-progress" data-testid="install-progress">
      <div className="small">
        Step {progress.step} of {progress.steps}: {installActivity(progress)}
      </div>
      <div className="install-progress-row">
        <ProgressBar
          done={progress.bytes}
          total={determinate ? progress.total! : Math.max(progress.bytes, 1)}
          format={formatBytes}
          rate={progress.bytesPerSecond !== null ? `${formatBytes(progress.bytesPerSecond)}/s` : '—/s'}
          eta={progress.etaSeconds}
          label={progress.action === 'convert' ? 'tensors' : 'downloaded'}
        />
        <button className="btn btn-danger btn-small" onClick={onCancel} disabled={cancelling}>
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
    </div>
  );
}

export function ProfileInstall({ onInstalled }: { onInstalled: () => void }) {
  const client = useApp((s) => s.client);
  const installing = useApp((s) => s.installing);
  const progress = useApp((s) => s.install);
  const installProfile = useApp((s) => s.installProfile);
  const cancelInstall = useApp((s) => s.cancelInstall);
  const [profiles, setProfiles] = useState<ProfileInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The profile whose Cancel was pressed, until its install stops. */
  const [cancelling, setCancelling] = useState<string | null>(null);
  if (cancelling !== null && progress?.state !== 'running' && installing === null) setCancelling(null);

  const load = useCallback(() => {
    client.call('models.profiles', {}).then(
      (p) => {
        setProfiles(p);
        setError(null);
      },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [client]);
  useEffect(load, [load]);
  // A model installed, or an install ended: the profiles and the model list change.
  const settled = progress === null ? null : `${progress.profile}/${progress.state}/${progress.step}/${progress.action === 'installed' ? 'installed' : ''}`;
  useEffect(() => {
    if (settled === null) return;
    load();
    onInstalled();
  }, [settled, load, onInstalled]);

  const running = installing !== null || progress?.state === 'running';
  const cancel = (): void => {
    setCancelling(progress?.profile ?? installing);
    void cancelInstall();
  };

  return (
    <section className="card" aria-label="profiles">
      <h3>Refining profiles</h3>
      {error ? <ErrorState title="Could not list the profiles" message={error} onRetry={load} /> : null}
      {!profiles && !error ? <Loading what="profiles" /> : null}
      {profiles ? (
        <>
          <p className="muted small">
            Install fetches a profile's models from their Hugging Face repositories onto this machine (a ready GGUF build where one is named, otherwise the checkpoint, converted here to Q8_0) into{' '}
            <code>{profiles[0]?.modelsDir}</code>.
          </p>
          {profiles.map((p) => {
            const mine = progress !== null && progress.profile === p.name ? progress : null;
            const busyHere = installing === p.name || mine?.state === 'running';
            return (
              <div className="profile" key={p.name} data-testid={`profile-${p.name}`}>
                <div className="profile-head">
                  <strong>{p.name}</strong>
                  {p.ready ? <span className="badge badge-ok">installed</span> : <span className="badge">not installed</span>}
                  <span className="muted small profile-description">{p.description}</span>
                  {!p.ready ? (
                    <button className="btn btn-primary btn-small" onClick={() => void installProfile(p.name)} disabled={running} aria-label={`install ${p.name}`}>
                      {busyHere ? 'Installing…' : `Install ${p.name}`}
                    </button>
                  ) : null}
                </div>
                <table className="grid profile-models">
                  <tbody>
                    {p.models.map((m) => (
                      <tr key={m.stage}>
                        <th>{STAGE_LABEL[m.stage]}</th>
                        <td>
                          <code>{m.repo}</code> <span className="muted small">{m.parameters}</span>
                        </td>
                        <td className="small">{m.gguf ? <>GGUF build from <code>{m.gguf}</code></> : 'checkpoint, converted to Q8_0 here'}</td>
                        <td className="small">{m.installed ? <span title={m.installed}>✓ {fileName(m.installed)}</span> : <span className="muted">not installed</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {p.models.some((m) => m.licence) ? <div className="muted small">{p.models.map((m) => m.licence).filter(Boolean).join('; ')}.</div> : null}
                {mine ? <InstallStatus progress={mine} onCancel={cancel} cancelling={cancelling === mine.profile} /> : null}
              </div>
            );
          })}
        </>
      ) : null}
    </section>
  );
}
