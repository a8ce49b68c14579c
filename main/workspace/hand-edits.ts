/**
 * Programs edited by hand: the live preview of an edit, saving it, and reverting to the
 * programmer's output. The programmer's notes (reasons) and the user's switched-off operations
 * follow their program lines through the edit (execution/line-map.ts), so an inserted line
 * does not hand a reason to the operation below it. The programmer's rows a save replaces are
 * kept (store/program-originals.ts) and come back, switches included, on revert.
 */
import type { DocumentDetail, ExecutionView } from '../../contract/api';
import { executeDocument, loadStoredDocument, recomputeDerived, type StoredDocument } from '../execution/document';
import { carryLines, carryNotes, mapProgramLines } from '../execution/line-map';
import type { ExecutionSettings } from '../execution/settings';
import { parseNotes, type RunnablePrograms } from '../execution/stored-program';
import type { ProgramSlot } from '../prox/programmer';
import { clearOtherDialect, type ChunkProgramRow, type DocumentRecord, type ProgramRecord, type Store } from '../store';
import { WorkspaceError } from './errors';
import { toExecutionView } from './views';

const SLOTS: readonly ProgramSlot[] = ['doc', 'chunk', 'ultrax'];

function disabledLinesOf(loaded: StoredDocument, slot: ProgramSlot): readonly number[] {
  return loaded.disabled[slot] ?? [];
}

/** The stored document as it would be with the edited program texts: notes and switches carried to their new lines. */
export function withEditedPrograms(loaded: StoredDocument, edited: RunnablePrograms): StoredDocument {
  const programs: Record<ProgramSlot, ProgramRecord | undefined> = { doc: undefined, chunk: undefined, ultrax: undefined };
  const disabled: { doc: number[]; chunk: number[]; ultrax?: number[] } = { doc: [], chunk: [] };
  for (const slot of SLOTS) {
    const text = edited[slot] ?? null;
    const stored = loaded.programs[slot];
    if (text === null || !stored) continue;
    const lines = mapProgramLines(stored.program, text);
    programs[slot] = { ...stored, program: text, failure: null, notes: JSON.stringify(carryNotes(parseNotes(stored.notes), lines)) };
    const carried = carryLines(disabledLinesOf(loaded, slot), lines);
    if (slot === 'ultrax') disabled.ultrax = carried;
    else disabled[slot] = carried;
  }
  return { doc: loaded.doc, programs, disabled };
}

/** Executes edited program texts without storing anything. */
export function previewEdit(store: Store, doc: DocumentRecord, edited: RunnablePrograms, settings: ExecutionSettings): ExecutionView {
  const virtual = withEditedPrograms(loadStoredDocument(store, doc), edited);
  return toExecutionView(virtual, executeDocument(virtual, settings, edited), settings);
}

/** Keeps the slot's programmer row (once), with its chunk programs and switched-off lines. */
function keepOriginal(store: Store, loaded: StoredDocument, slot: ProgramSlot): void {
  const chunks = slot === 'doc' ? [] : store.programOriginals.chunksOf.all(loaded.doc.seq);
  store.programOriginals.keep.run({
    doc_seq: loaded.doc.seq,
    stage: slot,
    chunks: chunks.length > 0 ? JSON.stringify(chunks) : null,
    disabled: JSON.stringify(disabledLinesOf(loaded, slot)),
  });
}

/**
 * Stores a hand-edited program in place of the slot's; a later refine with any programmer
 * keeps it. A document has programs of one dialect at a time: saving an UltraX program removes
 * its ProX ones, and the other way round. Call inside an immediate transaction.
 */
export function saveEdit(store: Store, doc: DocumentRecord, slot: ProgramSlot, text: string, settings: ExecutionSettings): void {
  const loaded = loadStoredDocument(store, doc);
  for (const s of SLOTS) if (s === slot || (slot === 'ultrax') !== (s === 'ultrax')) keepOriginal(store, loaded, s);
  const stored = loaded.programs[slot];
  const lines = stored ? mapProgramLines(stored.program, text) : new Map<number, number>();
  const notes = stored ? carryNotes(parseNotes(stored.notes), lines) : [];
  const disabled = carryLines(disabledLinesOf(loaded, slot), lines);
  clearOtherDialect(store, doc.seq, slot);
  store.programs.upsert.run({
    doc_seq: doc.seq,
    stage: slot,
    run_id: null,
    programmer_key: 'manual',
    program: text,
    notes: JSON.stringify(notes),
    keep_probability: null,
    failure: null,
    prompt_tokens: 0,
    generated_tokens: 0,
    edited: 1,
    created_at: new Date().toISOString(),
  });
  if (slot !== 'doc') store.programs.deleteChunks.run(doc.seq);
  store.toggles.clearStage.run(doc.seq, slot);
  for (const line of disabled) store.toggles.disableOp.run(doc.seq, slot, line);
  recomputeDerived(store, doc.seq, settings);
}

/** What a revert of the document's hand edits goes back to; null when nothing was edited by hand. */
export function revertTarget(store: Store, seq: number): DocumentDetail['revertTo'] {
  if (store.programOriginals.editedStages.all(seq).length === 0) return null;
  const original = store.programOriginals.labels.all(seq)[0];
  return { programmer: original ? (original.label ?? original.programmer_key) : null };
}

/**
 * Removes the document's hand-edited programs and puts the programmer's back, with their chunk
 * programs and switched-off operations. Call inside an immediate transaction.
 */
export function revertEdits(store: Store, doc: DocumentRecord, settings: ExecutionSettings): void {
  const { programs, programOriginals, toggles } = store;
  const edited = programOriginals.editedStages.all(doc.seq);
  if (edited.length === 0) throw new WorkspaceError('invalid_input', `document ${doc.id} has no program edited by hand: nothing to revert`);
  const originals = programOriginals.ofDoc.all(doc.seq);
  for (const stage of edited) {
    programs.delete.run(doc.seq, stage);
    toggles.clearStage.run(doc.seq, stage);
  }
  for (const original of originals) {
    const slot = original.stage as ProgramSlot;
    clearOtherDialect(store, doc.seq, slot);
    const { chunks, disabled, ...row } = original;
    programOriginals.restore.run(row);
    if (chunks !== null) {
      programs.deleteChunks.run(doc.seq);
      for (const chunk of JSON.parse(chunks) as ChunkProgramRow[]) programs.insertChunk.run({ doc_seq: doc.seq, ...chunk });
    }
    toggles.clearStage.run(doc.seq, slot);
    for (const line of JSON.parse(disabled) as number[]) toggles.disableOp.run(doc.seq, slot, line);
  }
  programOriginals.deleteDoc.run(doc.seq);
  recomputeDerived(store, doc.seq, settings);
}
