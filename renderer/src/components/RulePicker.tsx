/**
 * The rule programmer's preset and its rules, each with a switch: a rule the user finds too
 * eager (the Stats screen says what each took) is switched off here for the next batch.
 */
import type { RuleCatalog } from '../../../contract/api';
import { joinSpec, rulesOfPreset, settingsOfPreset, valueOf, withValue, type EditableSpec, type PresetRule } from '../rules/rule-spec';

interface Props {
  readonly catalog: RuleCatalog | null;
  readonly presets: readonly string[];
  readonly spec: EditableSpec;
  readonly onChange: (spec: EditableSpec) => void;
  readonly disabled: boolean;
}

/** A number input for a rule's threshold: empty keeps the preset's value (shown as the placeholder). */
function ValueInput({ rule, spec, onChange, disabled }: { rule: PresetRule; spec: EditableSpec; onChange: (spec: EditableSpec) => void; disabled: boolean }) {
  if (typeof rule.value !== 'number') return <span aria-hidden="true" />;
  const value = valueOf(spec, rule.key);
  return (
    <input
      className={`rule-value mono${value !== null ? ' changed' : ''}`}
      type="number"
      step="any"
      value={value ?? ''}
      placeholder={String(rule.value)}
      onChange={(e) => onChange(withValue(spec, rule.key, e.target.value === String(rule.value) ? null : e.target.value))}
      aria-label={`${rule.key} value`}
      title={`The preset's value is ${rule.value}; empty keeps it`}
      disabled={disabled || spec.off.includes(rule.key)}
    />
  );
}

export function RulePicker({ catalog, presets, spec, onChange, disabled }: Props) {
  const rules = catalog ? rulesOfPreset(catalog, spec.preset) : [];
  const settings = catalog ? settingsOfPreset(catalog, spec.preset) : [];
  const presetKeys = new Set([...rules, ...settings].map((r) => r.key));
  const changedValues = [...rules, ...settings].filter((r) => valueOf(spec, r.key) !== null);
  // Overrides of rules this preset does not run (they add the rule) stay listed as typed.
  const extra = spec.others.filter((other) => !presetKeys.has(other.split('=')[0]!.trim()));
  const description = catalog?.presets.find((p) => p.name === spec.preset)?.description;
  const switchedOff = rules.filter((rule) => spec.off.includes(rule.key));
  const toggle = (key: string, on: boolean): void => onChange({ ...spec, off: on ? spec.off.filter((k) => k !== key) : [...spec.off, key] });
  return (
    <>
      <label className="field">
        <span>Rule preset (web: made for raw web pages; C4, Gopher and FineWeb: the published filters; all written as programs, no model needed)</span>
        <select
          value={spec.preset}
          // Rules switched off stay off only where the new preset has them.
          onChange={(e) => onChange({ preset: e.target.value, off: spec.off, others: spec.others })}
          aria-label="rule preset"
          disabled={disabled}
        >
          {(presets.includes(spec.preset) ? presets : [spec.preset, ...presets]).map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      {description ? <div className="muted small">{description}</div> : null}
      {rules.length > 0 ? (
        <details className="rule-list" open={rules.length <= 10 || switchedOff.length > 0 || changedValues.length > 0}>
          <summary>
            Rules: {rules.length - switchedOff.length} of {rules.length} on
            {switchedOff.length > 0 ? <span className="muted"> · off: {switchedOff.map((r) => r.key).join(', ')}</span> : null}
            {changedValues.length > 0 ? <span className="muted"> · changed: {changedValues.map((r) => `${r.key}=${valueOf(spec, r.key)}`).join(', ')}</span> : null}
          </summary>
          <ul aria-label="rules">
            {rules.map((rule) => (
              <li key={rule.key}>
                <label className="rule-row">
                  <input type="checkbox" checked={!spec.off.includes(rule.key)} onChange={(e) => toggle(rule.key, e.target.checked)} disabled={disabled} aria-label={rule.key} />
                  <span className="mono">{rule.key}</span>
                  <ValueInput rule={rule} spec={spec} onChange={onChange} disabled={disabled} />
                  <span className="muted small">
                    {rule.kind === 'page' ? 'drops pages: ' : 'removes lines: '}
                    {rule.description.replace(/^(drop|remove)s?:?\s*/i, '')}
                  </span>
                </label>
              </li>
            ))}
          </ul>
          {settings.length > 0 ? (
            <ul aria-label="rule settings">
              {settings.map((setting) => (
                <li key={setting.key}>
                  <label className="rule-row">
                    <span className="rule-setting-mark" aria-hidden="true" />
                    <span className="mono">{setting.key}</span>
                    <ValueInput rule={setting} spec={spec} onChange={onChange} disabled={disabled} />
                    <span className="muted small">setting: {setting.description}</span>
                  </label>
                </li>
              ))}
            </ul>
          ) : null}
        </details>
      ) : null}
      {extra.length > 0 ? <div className="muted small mono">also: {extra.join(', ')}</div> : null}
      <div className="muted small rule-spec-line">
        As a command: <code data-testid="rule-spec">--programmer rules:{joinSpec({ ...spec, off: spec.off.filter((key) => presetKeys.has(key) || rules.length === 0) })}</code>
      </div>
    </>
  );
}
