/**
 * The rule programmer's preset and its rules, each with a switch: a rule the user finds too
 * eager (the Stats screen says what each took) is switched off here for the next batch.
 */
import type { RuleCatalog } from '../../../contract/api';
import { rulesOfPreset, type EditableSpec } from '../rules/rule-spec';

interface Props {
  readonly catalog: RuleCatalog | null;
  readonly presets: readonly string[];
  readonly spec: EditableSpec;
  readonly onChange: (spec: EditableSpec) => void;
  readonly disabled: boolean;
}

function formatValue(value: number | boolean): string {
  return typeof value === 'number' ? ` = ${value}` : '';
}

export function RulePicker({ catalog, presets, spec, onChange, disabled }: Props) {
  const rules = catalog ? rulesOfPreset(catalog, spec.preset) : [];
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
        <details className="rule-list" open={rules.length <= 10 || switchedOff.length > 0}>
          <summary>
            Rules: {rules.length - switchedOff.length} of {rules.length} on
            {switchedOff.length > 0 ? <span className="muted"> · off: {switchedOff.map((r) => r.key).join(', ')}</span> : null}
          </summary>
          <ul aria-label="rules">
            {rules.map((rule) => (
              <li key={rule.key}>
                <label className="rule-row">
                  <input type="checkbox" checked={!spec.off.includes(rule.key)} onChange={(e) => toggle(rule.key, e.target.checked)} disabled={disabled} aria-label={rule.key} />
                  <span className="mono">
                    {rule.key}
                    {formatValue(rule.value)}
                  </span>
                  <span className="muted small">
                    {rule.kind === 'page' ? 'drops pages: ' : 'removes lines: '}
                    {rule.description.replace(/^(drop|remove)s?:?\s*/i, '')}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {spec.others.length > 0 ? <div className="muted small mono">also: {spec.others.join(', ')}</div> : null}
    </>
  );
}
