/**
 * Batch refining: choose who writes programs and which stages, then start / pause /
 * resume / cancel. Everything shown comes from the server (refine.status + job.progress),
 * so closing the window or restarting the browser loses nothing.
 */
import { useCallback, useEffect, useState } from 'react';
import { DEFAULT_RULE_PRESET, type Fidelity, type MethodOutput, type ProfileInfo, type ProgrammerSpec, type RuleCatalog, type StageSelection } from '../../../contract/api';
import { errorMessage } from '../api/client';
import { ProgressBar } from '../components/ProgressBar';
import { RulePicker } from '../components/RulePicker';
import { Empty, ErrorState } from '../components/States';
import { jobHeadline, jobSeconds, StageProgress } from '../components/JobSummary';
import { formatCount, formatDuration, formatRate } from '../format';
import { joinSpec, RULE_PRESET_CHOICES, rulesOfPreset, splitSpec, type EditableSpec } from '../rules/rule-spec';
import { useApp } from '../store/app';

type Mode = 'rules' | 'profile' | 'stages';
type JobError = MethodOutput<'refine.errors'>[number];

const PRESETS = RULE_PRESET_CHOICES;
/** The built-in profiles, until models.profiles answers. */
const PROFILES = ['prox-web', 'prox-math', 'ultrax'];

/**
 * The form's rule spec with `switchOff` switched off, based on the last batch's rule spec (the
 * one whose effects the Stats screen showed) when the last batch ran rules.
 */
function withRulesOff(last: ProgrammerSpec | null, current: EditableSpec, switchOff: readonly string[]): EditableSpec {
  const base = last?.type === 'rules' ? splitSpec(last.preset) : current;
  return { ...base, off: [...new Set([...base.off, ...switchOff])] };
}

export function Batch() {
  const client = useApp((s) => s.client);
  const job = useApp((s) => s.job);
  const setJob = useApp((s) => s.setJob);
  const notify = useApp((s) => s.notify);
  const [mode, setMode] = useState<Mode>('rules');
  const [ruleSpec, setRuleSpec] = useState<EditableSpec>({ preset: DEFAULT_RULE_PRESET, off: [], others: [] });
  const [catalog, setCatalog] = useState<RuleCatalog | null>(null);
  const [profile, setProfile] = useState('prox-web');
  const [docModel, setDocModel] = useState('');
  const [chunkModel, setChunkModel] = useState('');
  const [stages, setStages] = useState<StageSelection>('both');
  const [fidelity, setFidelity] = useState<Fidelity>('improved');
  // The CLI's --retry-failed (default) / --no-retry.
  const [retryFailed, setRetryFailed] = useState(true);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<JobError[] | null>(null);
  const [errorsFailed, setErrorsFailed] = useState<string | null>(null);
  const [models, setModels] = useState<MethodOutput<'models.list'>>([]);
  const [profiles, setProfiles] = useState<ProfileInfo[] | null>(null);
  const installProfile = useApp((s) => s.installProfile);
  const setScreen = useApp((s) => s.setScreen);

  useEffect(() => {
    client.call('models.list', {}).then(setModels, () => setModels([]));
    client.call('rules.catalog', {}).then(setCatalog, (err: unknown) => notify('error', `Could not load the rule list: ${errorMessage(err)}`));
  }, [client, notify]);
  // Which models each profile has installed, as the chosen fidelity counts them (reference: 16-bit builds only).
  useEffect(() => {
    client.call('models.profiles', { fidelity }).then(setProfiles, () => setProfiles(null));
  }, [client, fidelity]);
  // Rules the user switched off on the Stats screen: taken into the form once (state adjusted
  // during render), then cleared from the store.
  const pendingOff = useApp((s) => s.rulesToSwitchOff);
  const clearRulesToSwitchOff = useApp((s) => s.clearRulesToSwitchOff);
  const [takenOff, setTakenOff] = useState<readonly string[]>([]);
  if (pendingOff.length > 0 && pendingOff !== takenOff) {
    setTakenOff(pendingOff);
    setMode('rules');
    setRuleSpec((spec) => withRulesOff(job?.spec ?? null, spec, pendingOff));
  }
  useEffect(() => {
    if (pendingOff.length > 0) clearRulesToSwitchOff();
  }, [pendingOff, clearRulesToSwitchOff]);

  const loadErrors = useCallback(() => {
    client.call('refine.errors', { limit: 200 }).then(
      (e) => {
        setErrors(e);
        setErrorsFailed(null);
      },
      (err: unknown) => setErrorsFailed(errorMessage(err)),
    );
  }, [client]);
  const errorCount = job?.errors ?? 0;
  // Also when a batch starts or ends: a retried document leaves the list while the count can
  // read the same at both moments (0 when the start was answered, 0 at the end).
  const jobState = job?.state;
  useEffect(loadErrors, [loadErrors, errorCount, jobState]);

  const act = async (what: 'start' | 'pause' | 'resume' | 'cancel'): Promise<void> => {
    setBusy(true);
    try {
      if (what === 'start') {
        // Only rules of the chosen preset are sent switched off.
        const inPreset = new Set(catalog ? rulesOfPreset(catalog, ruleSpec.preset).map((r) => r.key) : ruleSpec.off);
        const preset = joinSpec({ ...ruleSpec, off: ruleSpec.off.filter((key) => inPreset.has(key)) });
        const programmer: ProgrammerSpec =
          mode === 'rules' ? { type: 'rules', preset } : mode === 'profile' ? { type: 'profile', name: profile, fidelity } : { type: 'stages', ...(docModel ? { doc: docModel } : {}), ...(chunkModel ? { chunk: chunkModel } : {}), fidelity };
        setJob(await client.call('refine.start', { programmer, stages, retryFailed }));
      } else {
        setJob(await client.call(`refine.${what}`, {}));
      }
    } catch (err) {
      notify('error', `Could not ${what} the batch: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const chosenProfile = profiles?.find((p) => p.name === profile) ?? null;
  const missingModels = mode === 'profile' && chosenProfile && !chosenProfile.ready ? chosenProfile.models.filter((m) => m.installed === null) : [];
  const state = job?.state ?? 'idle';
  const headline = job && state === 'done' ? jobHeadline(job) : null;
  const duration = job ? jobSeconds(job) : null;
  // A batch cut off by a crash or a restart comes back paused with no worker behind it;
  // starting the same programmer again continues where it stopped (finished work is kept).
  const interrupted = state === 'paused' && /^interrupted/i.test(job?.message ?? '');
  const active = (state === 'running' || state === 'paused') && !interrupted;
  const jobProgrammer = job?.programmer ?? '';
  // Pre-fill the form with the interrupted batch's programmer, once per batch (React's
  // "adjust state during render" pattern, no effect needed).
  const [filledFrom, setFilledFrom] = useState<string | null>(null);
  if (interrupted && filledFrom !== jobProgrammer) {
    setFilledFrom(jobProgrammer);
    const rules = /^rules:(.+)$/.exec(jobProgrammer);
    const profileName = /^profile:(.+)$/.exec(jobProgrammer);
    if (rules) {
      setMode('rules');
      setRuleSpec(splitSpec(rules[1]!));
    } else if (profileName) {
      setMode('profile');
      setProfile(profileName[1]!);
    }
  }

  return (
    <div className="page">
      <h2>Batch refine</h2>
      <section className="card">
        <h3>Programmer</h3>
        <div className="segmented" role="radiogroup" aria-label="programmer">
          {(['rules', 'profile', 'stages'] as Mode[]).map((m) => (
            <button key={m} role="radio" aria-checked={mode === m} className={mode === m ? 'on' : ''} onClick={() => setMode(m)} disabled={active}>
              {m === 'rules' ? 'Quality rules' : m === 'profile' ? 'Profile (ProX, UltraX)' : 'Model per stage'}
            </button>
          ))}
        </div>
        {mode === 'rules' ? (
          <RulePicker catalog={catalog} presets={PRESETS} spec={ruleSpec} onChange={setRuleSpec} disabled={active} />
        ) : mode === 'profile' ? (
          <>
            <label className="field">
              <span>Profile (the released refining models: ProX's per stage, or UltraX's one)</span>
              <select value={profile} onChange={(e) => setProfile(e.target.value)} aria-label="profile" disabled={active}>
                {(profiles?.map((p) => p.name) ?? PROFILES).map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </label>
            {chosenProfile ? <div className="muted small">{chosenProfile.description}</div> : null}
            {missingModels.length > 0 ? (
              <div className="profile-missing" role="alert" data-testid="profile-missing">
                <div>
                  <strong>{profile}</strong> needs {missingModels.length === 1 ? 'a model that is' : `${missingModels.length} models that are`} not installed yet
                  {fidelity === 'reference' ? ' as 16-bit builds (reference fidelity runs the weights the reference ran)' : ''}:{' '}
                  {missingModels.map((m, i) => (
                    <span key={m.stage}>
                      {i > 0 ? ', ' : ''}
                      <code>{m.repo}</code>
                    </span>
                  ))}
                  .
                </div>
                <button className="btn btn-primary btn-small" onClick={() => {
                    void installProfile(profile, fidelity);
                    setScreen('models');
                  }}
                  disabled={active}>
                  Install {profile}'s models
                </button>
                <span className="muted small">one click: downloads or converts them on the Models screen, with progress</span>
              </div>
            ) : null}
          </>
        ) : (
          <div className="field-row">
            <label className="field">
              <span>Document stage: model id, GGUF path, hf: URI or rules[:preset]</span>
              <input list="model-ids" value={docModel} onChange={(e) => setDocModel(e.target.value)} placeholder={`rules:${DEFAULT_RULE_PRESET}`} disabled={active} spellCheck={false} />
            </label>
            <label className="field">
              <span>Chunk stage</span>
              <input list="model-ids" value={chunkModel} onChange={(e) => setChunkModel(e.target.value)} placeholder="rules:prox-lines" disabled={active} spellCheck={false} />
            </label>
            <datalist id="model-ids">
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </datalist>
          </div>
        )}
        {mode !== 'rules' ? (
          <label className="field">
            <span>Fidelity (reference runs the published pipeline exactly; the workspace then reads programs with the reference parser)</span>
            <select value={fidelity} onChange={(e) => setFidelity(e.target.value as Fidelity)} aria-label="fidelity" disabled={active}>
              <option value="improved">Improved (default): answers kept to the program space, long documents keep [/INST], strict parsing</option>
              <option value="reference">Reference: as GAIR-NLP/ProX (or UltraX) ran it, quirks included; prefers 16-bit model files</option>
            </select>
          </label>
        ) : null}
        <label className="field">
          <span>Stages</span>
          <select value={stages} onChange={(e) => setStages(e.target.value as StageSelection)} aria-label="stages" disabled={active}>
            <option value="both">Both: document, then chunks of kept documents</option>
            <option value="doc">Document stage only (keep / drop)</option>
            <option value="chunk">Chunk stage only (lines and strings)</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={retryFailed} onChange={(e) => setRetryFailed(e.target.checked)} disabled={active} aria-describedby="retry-help" /> Retry documents whose programmer failed in an earlier batch
        </label>
        <div className="muted small" id="retry-help" data-testid="retry-help">
          {retryFailed
            ? 'Their programmer is asked again; a document that fails during this batch is not asked twice in it.'
            : 'They are left as they are: still failed in the Errors filter, Stats and the export (metadata.failed, or held back), until a batch retries them.'}
        </div>
        <div className="actions">
          {!active ? (
            <button className="btn btn-primary" onClick={() => void act('start')} disabled={busy || missingModels.length > 0} title={missingModels.length > 0 ? `Install ${profile}'s models first` : undefined}>
              {interrupted ? 'Continue where it stopped' : state === 'done' || state === 'cancelled' || state === 'failed' ? 'Start again' : 'Start'}
            </button>
          ) : null}
          {state === 'running' ? (
            <button className="btn" onClick={() => void act('pause')} disabled={busy}>
              Pause
            </button>
          ) : null}
          {state === 'paused' ? (
            <button className="btn btn-primary" onClick={() => void act('resume')} disabled={busy}>
              Resume
            </button>
          ) : null}
          {active ? (
            <button className="btn btn-danger" onClick={() => void act('cancel')} disabled={busy}>
              Cancel
            </button>
          ) : null}
        </div>
      </section>

      <section className="card" aria-label="job">
        <h3>
          Progress <span className={`state-pill state-${state}`}>{state}</span>
        </h3>
        {!job || state === 'idle' ? (
          <div className="muted small">No batch has run in this workspace yet. Documents not refined yet show as “pending” in the list.</div>
        ) : (
          <>
            {headline ? (
              <div className="job-headline" data-testid="job-headline">
                {headline}
              </div>
            ) : null}
            {state === 'done' ? null : job.stages.length > 0 ? (
              <StageProgress job={job} />
            ) : (
              <ProgressBar done={job.done} total={job.total} label="documents" rate={`${formatRate(job.docsPerSecond, 'docs')} · ${formatRate(job.tokensPerSecond, 'tok')}`} eta={state === 'running' ? job.etaSeconds : undefined} />
            )}
            <table className="kv">
              <tbody>
                <tr>
                  <th>Programmer</th>
                  <td className="mono">{job.programmer ?? '—'}</td>
                </tr>
                {state === 'done'
                  ? job.stages.map((s) => (
                      <tr key={s.stage}>
                        <th>{s.stage === 'doc' ? 'Document stage' : s.stage === 'chunk' ? 'Chunk stage' : 'UltraX stage'}</th>
                        <td>
                          {formatCount(s.done)} / {formatCount(s.total)} documents {s.stage === 'chunk' ? '(those the document stage kept)' : ''}
                        </td>
                      </tr>
                    ))
                  : null}
                <tr>
                  <th>Started</th>
                  <td>{job.startedAt ? new Date(job.startedAt).toLocaleString() : '—'}</td>
                </tr>
                {job.finishedAt ? (
                  <tr>
                    <th>Finished</th>
                    <td>
                      {new Date(job.finishedAt).toLocaleString()}
                      {duration !== null ? ` (${formatDuration(duration)} from start to end, pauses included)` : ''}
                    </td>
                  </tr>
                ) : null}
                {job.message ? (
                  <tr>
                    <th>Message</th>
                    <td className={state === 'failed' ? 'field-error' : ''}>{job.message}</td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </>
        )}
      </section>

      <section className="card" aria-label="errors">
        <h3>Errors {errorCount ? <span className="badge badge-error">{formatCount(errorCount)}</span> : null}</h3>
        {errorsFailed ? <ErrorState title="Could not load the errors" message={errorsFailed} onRetry={loadErrors} /> : null}
        {errors && errors.length === 0 ? <Empty title="No errors">Documents the programmer fails on are listed here; the batch goes on without them.</Empty> : null}
        {errors && errors.length > 0 ? (
          <ul className="errors">
            {errors.map((e, i) => (
              <li key={i}>
                <button className="link mono" onClick={() => useApp.setState({ selectedDocId: e.docId, screen: 'corpus' })}>
                  {e.docId}
                </button>{' '}
                <span className="muted">{e.stage}</span> {e.message}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </div>
  );
}
