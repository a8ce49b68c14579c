/**
 * "Refine this document now": one document through the batch's own loop (runRefine with
 * `only`), so it is asked, cached, stored and recomputed exactly as a batch would do it, without
 * becoming a job (the last batch, its status and its resume stay as they were).
 */
import type { ProgrammerSpec, StageSelection } from '../../contract/api';
import { recomputeDerived } from '../execution/document';
import { readSettings } from '../execution/settings';
import type { ProgramSlot } from '../prox/programmer';
import { distinctProgrammers, resolveProgrammers, stagesFor } from '../stage-programmers/resolve';
import type { Store } from '../store';
import { runRefine } from './refine-runner';

export interface RefineDocumentOutcome {
  /** The programmers' labels, as a batch names them. */
  programmer: string;
  /** Stages whose program was written now. */
  wrote: ProgramSlot[];
  fromCache: number;
  /** The programmer's failure on this document, if it failed. */
  failure: string | null;
}

export async function refineOneDocument(store: Store, seq: number, spec: ProgrammerSpec, selection: StageSelection, options: { modelsDir?: string; signal?: AbortSignal } = {}): Promise<RefineDocumentOutcome> {
  const stages = stagesFor(spec, selection);
  const programmers = await resolveProgrammers(spec, stages, { modelsDir: options.modelsDir });
  try {
    const wrote: ProgramSlot[] = [];
    const outcome = await runRefine(store, {
      stages,
      programmers,
      only: seq,
      signal: options.signal,
      recompute: (s) => recomputeDerived(store, s, readSettings(store)),
    });
    for (const stage of stages) if ((outcome.processed[stage] ?? 0) > 0) wrote.push(stage);
    const failure = stages.map((stage) => store.programs.of.get(seq, stage)?.failure ?? null).find((f) => f !== null) ?? null;
    return { programmer: [...new Set(distinctProgrammers(programmers).map((p) => p.info.label))].join(' + '), wrote, fromCache: outcome.cacheHits, failure };
  } finally {
    await Promise.all(distinctProgrammers(programmers).map((p) => p.dispose().catch(() => undefined)));
  }
}
