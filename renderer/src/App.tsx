/** The shell of the UI: sidebar navigation, connection banner, toasts, and the current screen. */
import { useEffect } from 'react';
import { ProgressBar } from './components/ProgressBar';
import { ErrorState, Loading } from './components/States';
import { formatCount, formatRate } from './format';
import { Batch } from './screens/Batch';
import { Corpus } from './screens/Corpus';
import { Export } from './screens/Export';
import { Models } from './screens/Models';
import { Problems } from './screens/Problems';
import { Stats } from './screens/Stats';
import { Welcome } from './screens/Welcome';
import { typingInto } from './keyboard';
import { type Screen, useApp } from './store/app';

const NAV: { screen: Screen; label: string; key: string }[] = [
  { screen: 'corpus', label: 'Corpus', key: '1' },
  { screen: 'batch', label: 'Batch', key: '2' },
  { screen: 'models', label: 'Models', key: '3' },
  { screen: 'export', label: 'Export', key: '4' },
  { screen: 'stats', label: 'Stats', key: '5' },
  { screen: 'problems', label: 'Problems', key: '6' },
];

function JobMini() {
  const job = useApp((s) => s.job);
  const setScreen = useApp((s) => s.setScreen);
  if (!job || job.state === 'idle') return null;
  return (
    <button className="jobmini" onClick={() => setScreen('batch')} aria-label="batch status">
      <div className="jobmini-head">
        <span className={`state-pill state-${job.state}`}>{job.state}</span>
        <span className="muted small">{formatRate(job.docsPerSecond, 'docs')}</span>
      </div>
      {job.state === 'done' && job.outcome ? (
        <div className="small" data-testid="jobmini-outcome">
          {formatCount(job.outcome.kept + job.outcome.modified)} kept · {formatCount(job.outcome.dropped)} dropped
        </div>
      ) : (
        <ProgressBar done={job.done} total={job.total} label={job.stage ? `${job.stage} stage` : undefined} />
      )}
      {job.errors ? <div className="small field-error">{formatCount(job.errors)} {job.errors === 1 ? 'error' : 'errors'}</div> : null}
    </button>
  );
}

export function App() {
  // One selector per field: the shell re-renders when these change, not on every progress event.
  const booting = useApp((s) => s.booting);
  const bootError = useApp((s) => s.bootError);
  const workspace = useApp((s) => s.workspace);
  const screen = useApp((s) => s.screen);
  const theme = useApp((s) => s.theme);
  const connection = useApp((s) => s.connection);
  const toasts = useApp((s) => s.toasts);
  const info = useApp((s) => s.info);
  const setScreen = useApp((s) => s.setScreen);
  const setWorkspace = useApp((s) => s.setWorkspace);
  const setTheme = useApp((s) => s.setTheme);
  const dismiss = useApp((s) => s.dismiss);

  useEffect(() => {
    void useApp.getState().boot();
  }, []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  // Electron's menu sends commands through the bridge.
  useEffect(() => {
    const bridge = useApp.getState().client.bridge;
    if (!bridge) return;
    return bridge.onMenu((command) => {
      const s = useApp.getState();
      if (command === 'toggle-theme') s.setTheme(s.theme === 'dark' ? 'light' : 'dark');
      else if (command === 'open-folder') s.setWorkspace(null);
      else if (command.startsWith('show-')) s.setScreen(command.slice(5) as Screen);
      else window.dispatchEvent(new KeyboardEvent('keydown', { key: command === 'next-doc' ? 'j' : 'k' }));
    });
  }, []);

  // Esc leaves a text field (the search keeps its text), so the shortcuts work again.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape' || e.defaultPrevented || !typingInto(e.target) || !(e.target instanceof HTMLElement)) return;
      e.preventDefault();
      e.target.blur();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Alt+1..6 switch screens.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!e.altKey) return;
      const item = NAV.find((n) => n.key === e.key);
      if (item && useApp.getState().workspace) {
        e.preventDefault();
        useApp.getState().setScreen(item.screen);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  let body;
  if (booting) body = <Loading what="Refinery" />;
  else if (bootError) body = <ErrorState title="Refinery is not reachable" message={bootError} onRetry={() => void useApp.getState().boot()} />;
  else if (!workspace) body = <Welcome />;
  else if (screen === 'corpus') body = <Corpus />;
  else if (screen === 'batch') body = <Batch />;
  else if (screen === 'models') body = <Models />;
  else if (screen === 'export') body = <Export />;
  else if (screen === 'problems') body = <Problems />;
  else body = <Stats />;

  return (
    <div className="app">
      <nav className="sidebar" aria-label="main">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          Refinery
        </div>
        {workspace ? (
          <>
            <div className="ws" title={workspace.folder}>
              <div className="ws-name">{workspace.folder.split(/[/\\]/).filter(Boolean).pop() ?? workspace.folder}</div>
              <div className="muted small">
                {formatCount(workspace.documents)} docs
                {workspace.scanErrors ? (
                  <>
                    {' · '}
                    <button className="linklike field-error" onClick={() => setScreen('problems')} title="Show the inputs that could not be read">
                      {formatCount(workspace.scanErrors)} scan errors
                    </button>
                  </>
                ) : null}
                {workspace.idsRenamed ? (
                  <>
                    {' · '}
                    <button className="linklike" onClick={() => setScreen('problems')} title="Documents renamed because another document has their id: see Problems">
                      {formatCount(workspace.idsRenamed)} duplicate {workspace.idsRenamed === 1 ? 'id' : 'ids'}
                    </button>
                  </>
                ) : null}
              </div>
            </div>
            {NAV.map((n) => (
              <button key={n.screen} className={`nav${screen === n.screen ? ' nav-on' : ''}`} onClick={() => setScreen(n.screen)} aria-current={screen === n.screen ? 'page' : undefined} title={`Alt+${n.key}`}>
                {n.label}
              </button>
            ))}
            <button className="nav nav-muted" onClick={() => setWorkspace(null)}>
              Open another folder…
            </button>
          </>
        ) : null}
        <div className="sidebar-foot">
          <JobMini />
          <button className="btn btn-small" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label="toggle theme">
            {theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
          {info ? <div className="muted small">v{info.version} · {info.shell}</div> : null}
        </div>
      </nav>
      <main className="content">
        {connection === 'lost' ? (
          <div className="banner" role="alert">
            Lost the connection to the Refinery server — reconnecting. If the server was stopped, start it again: finished work is kept and an interrupted batch can continue.
          </div>
        ) : null}
        {body}
      </main>
      <div className="toasts" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} onClick={() => dismiss(t.id)}>
            {t.text}
          </div>
        ))}
      </div>
    </div>
  );
}
