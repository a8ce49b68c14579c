/**
 * A rule spec as the Batch screen edits it: the preset part (`web`, `fineweb+prox-lines`), the
 * rules switched off (`-web.repeated`), and any other override kept as typed (`web.menus=4`).
 * The server parses and checks the spec; this only splits and joins it.
 */
import type { RuleCatalog } from '../../../contract/api';

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

/** The rules a preset (or presets joined by +) runs, in catalogue order; settings left out. */
export function rulesOfPreset(catalog: RuleCatalog, preset: string): PresetRule[] {
  const names = preset.split('+').map((name) => name.trim());
  const values = new Map<string, number | boolean>();
  for (const name of names) for (const rule of catalog.presets.find((p) => p.name === name)?.rules ?? []) if (!values.has(rule.key)) values.set(rule.key, rule.value);
  return catalog.rules.filter((rule) => rule.kind !== 'setting' && values.has(rule.key)).map((rule) => ({ key: rule.key, value: values.get(rule.key)!, kind: rule.kind, description: rule.description }));
}
