/**
 * A rule spec as the Batch screen edits it: the preset part (`web`, `fineweb+prox-lines`), the
 * rules switched off (`-web.repeated`), and any other override kept as typed (`web.menus=4`).
 * The server parses and checks the spec; this only splits and joins it.
 */
import { DEFAULT_RULE_PRESET, type RuleCatalog } from '../../../contract/api';

/** The rule presets offered for a batch and for refining one document, the default first. */
export const RULE_PRESET_CHOICES: readonly string[] = [DEFAULT_RULE_PRESET, 'fineweb+prox-lines', 'fineweb', 'gopher', 'c4', 'prox-lines', 'all'];

export interface EditableSpec {
  readonly preset: string;
  readonly off: readonly string[];
  readonly others: readonly string[];
}

export function splitSpec(spec: string): EditableSpec {
  const [preset = '', ...overrides] = spec.split(',').map((part) => part.trim());
  const off: string[] = [];
  const others: string[] = [];
  for (const override of overrides) {
    if (override === '') continue;
    const switchedOff = /^-(\S+)$/.exec(override) ?? /^(\S+?)\s*=\s*off$/i.exec(override);
    if (switchedOff) off.push(switchedOff[1]!);
    else others.push(override);
  }
  return { preset, off: [...new Set(off)], others };
}

export function joinSpec({ preset, off, others }: EditableSpec): string {
  return [preset, ...off.map((rule) => `-${rule}`), ...others].join(',');
}

export interface PresetRule {
  readonly key: string;
  readonly value: number | boolean;
  readonly kind: 'page' | 'line' | 'setting';
  readonly description: string;
}

function presetEntries(catalog: RuleCatalog, preset: string): PresetRule[] {
  const names = preset.split('+').map((name) => name.trim());
  const values = new Map<string, number | boolean>();
  for (const name of names) for (const rule of catalog.presets.find((p) => p.name === name)?.rules ?? []) if (!values.has(rule.key)) values.set(rule.key, rule.value);
  return catalog.rules.filter((rule) => values.has(rule.key)).map((rule) => ({ key: rule.key, value: values.get(rule.key)!, kind: rule.kind, description: rule.description }));
}

/** The rules a preset (or presets joined by +) runs, in catalogue order; settings left out. */
export function rulesOfPreset(catalog: RuleCatalog, preset: string): PresetRule[] {
  return presetEntries(catalog, preset).filter((rule) => rule.kind !== 'setting');
}

/** The settings a preset's rules read (thresholds shared by several rules), in catalogue order. */
export function settingsOfPreset(catalog: RuleCatalog, preset: string): PresetRule[] {
  return presetEntries(catalog, preset).filter((rule) => rule.kind === 'setting');
}

const valueOverride = (key: string) => new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=\\s*(.*)$`);

/** The value a spec gives `key` (`web.menus=4` gives "4"), or null when it keeps the preset's. */
export function valueOf(spec: EditableSpec, key: string): string | null {
  const pattern = valueOverride(key);
  for (const other of spec.others) {
    const match = pattern.exec(other);
    if (match) return match[1]!.trim();
  }
  return null;
}

/** The spec with `key` set to `value` (`key=value`), or back to the preset's value when `value` is null or empty. */
export function withValue(spec: EditableSpec, key: string, value: string | null): EditableSpec {
  const pattern = valueOverride(key);
  const others = spec.others.filter((other) => !pattern.test(other));
  const trimmed = value?.trim() ?? '';
  return { ...spec, others: trimmed === '' ? others : [...others, `${key}=${trimmed}`] };
}
