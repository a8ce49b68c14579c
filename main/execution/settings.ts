/** The workspace-wide settings every execution of a stored program follows. */
import type { OperationKind } from '../../contract/api';
import type { Thresholds } from '../prox/executor';
import type { ParseMode } from '../prox/program';
import type { Store } from '../store';

/** Operation kinds of both dialects (contract/api.ts) may be switched off. */
export interface ExecutionSettings {
  readonly mode: ParseMode;
  readonly disabledKinds: ReadonlySet<OperationKind>;
  readonly thresholds?: Partial<Thresholds>;
}

export function readSettings(store: Store): ExecutionSettings {
  const mode = store.meta.value.get('parseMode') === 'reference' ? 'reference' : 'strict';
  const disabledKinds = new Set<OperationKind>();
  for (const row of store.toggles.kinds.all()) if (row.enabled === 0) disabledKinds.add(row.kind as OperationKind);
  return { mode, disabledKinds };
}
