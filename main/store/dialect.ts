/**
 * A document is refined in one program dialect at a time: ProX (doc and chunk stage programs)
 * or UltraX (one whole-document program). Storing a program of one dialect removes the
 * other's, with its switched-off operations; the program cache keeps every programmer's
 * answers, so nothing written is lost (the compare view reads them there).
 */
import type { ProgramSlot } from '../prox/programmer';
import type { Store } from '.';

/** The stages of the other dialect than `slot`'s. */
export function otherDialectSlots(slot: ProgramSlot): readonly ProgramSlot[] {
  return slot === 'ultrax' ? ['doc', 'chunk'] : ['ultrax'];
}

/**
 * Deletes the document's programs of the other dialect than `slot`'s, and their toggles.
 * Returns true when an UltraX program went: its per-window answers (in chunk_programs) go too,
 * which the caller does as it replaces that list anyway for chunk and UltraX programs.
 */
export function clearOtherDialect(store: Store, seq: number, slot: ProgramSlot): boolean {
  let replacedUltrax = false;
  for (const other of otherDialectSlots(slot)) {
    if (store.programs.delete.run(seq, other).changes > 0 && other === 'ultrax') replacedUltrax = true;
    store.toggles.clearStage.run(seq, other);
  }
  if (replacedUltrax) store.programs.deleteChunks.run(seq);
  return replacedUltrax;
}
