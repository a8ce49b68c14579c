/**
 * The hand editor of a document's programs. Every keystroke re-executes the draft through
 * doc.preview (nothing is stored); the draft's parse errors are listed with their line and
 * text as you type. Saving a program with errors needs a second, explicit "Save anyway"
 * (the reference executor runs such a program, and two or more errors cancel a chunk program).
 * Esc closes the editor; with unsaved changes the first Esc says so and the second discards.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DocumentDetail, ExecutionView, ProgramErrorView, Stage } from '../../../contract/api';
import { errorMessage } from '../api/client';
import { useApp } from '../store/app';

type Draft = Partial<Record<Stage, string>>;

const LABELS: Record<Stage, string> = {
  doc: 'Document program',
  chunk: 'Chunk program (document-global line numbers)',
  ultrax: 'UltraX program',
};

const STAGE_NAMES: Record<Stage, string> = { doc: 'document program', chunk: 'chunk program', ultrax: 'UltraX program' };

/** The stages a document's editor shows: its UltraX program, or ProX's two. */
export function editableStages(detail: DocumentDetail): Stage[] {
  return detail.ultrax ? ['ultrax'] : ['doc', 'chunk'];
}

function initialDraft(detail: DocumentDetail): Draft {
  const draft: Draft = {};
  for (const stage of editableStages(detail)) draft[stage] = detail[stage]?.text ?? '';
  return draft;
}

/** Where an error is, as an editor shows it: lines and columns counted from 1. */
export function describeProgramError(e: ProgramErrorView): string {
  return `${STAGE_NAMES[e.stage]}, line ${e.line + 1}, column ${e.column + 1}: ${e.message}`;
}

/** The program errors of an execution, each with its place and text. */
export function ProgramErrors({ errors, title }: { errors: readonly ProgramErrorView[]; title: string }) {
  if (errors.length === 0) return null;
  return (
    <div className="program-errors" role="status" data-testid="program-errors">
      <div className="program-errors-title">{title}</div>
      <ul>
        {errors.map((e, i) => (
          <li key={i} className={e.counted ? undefined : 'muted'}>
            {describeProgramError(e)}
            {e.counted ? '' : ' (switched off: not counted)'}
          </li>
        ))}
      </ul>
    </div>
  );
}

interface EditorProps {
  detail: DocumentDetail;
  /** The draft's execution, to show in the text panes. */
  onPreview(view: ExecutionView): void;
  /** Closed: with the saved document, or null when the draft was discarded. */
  onClose(saved: DocumentDetail | null): void;
}

export function ProgramEditor({ detail, onPreview, onClose }: EditorProps) {
  const client = useApp((s) => s.client);
  const notify = useApp((s) => s.notify);
  const docId = detail.row.id;
  const [draft, setDraft] = useState<Draft>(() => initialDraft(detail));
  const [errors, setErrors] = useState<readonly ProgramErrorView[]>(detail.execution.errors);
  const [previewError, setPreviewError] = useState<string | null>(null);
  /** Errors the user was warned about on save; a second save stores the program anyway. */
  const [warned, setWarned] = useState<readonly ProgramErrorView[] | null>(null);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const [saving, setSaving] = useState(false);
  const previewSeq = useRef(0);
  const stages = editableStages(detail);
  const changed = stages.some((stage) => (draft[stage] ?? '') !== (detail[stage]?.text ?? ''));

  const previewInput = useCallback(
    (d: Draft) => (d.ultrax !== undefined ? { docId, doc: null, chunk: null, ultrax: d.ultrax } : { docId, doc: d.doc ?? null, chunk: d.chunk ?? null }),
    [docId],
  );

  const edit = (stage: Stage, text: string): void => {
    const next = { ...draft, [stage]: text };
    setDraft(next);
    setWarned(null);
    setConfirmDiscard(false);
    const seq = ++previewSeq.current;
    client
      .call('doc.preview', previewInput(next))
      .then((view) => {
        if (seq !== previewSeq.current) return;
        onPreview(view);
        setErrors(view.errors);
        setPreviewError(null);
      })
      .catch((err: unknown) => seq === previewSeq.current && setPreviewError(errorMessage(err)));
  };

  const discard = useCallback(() => onClose(null), [onClose]);

  const save = async (anyway: boolean): Promise<void> => {
    setSaving(true);
    try {
      // Check the very text being saved, not the last preview that came back.
      const check = await client.call('doc.preview', previewInput(draft));
      onPreview(check);
      setErrors(check.errors);
      if (check.errors.length > 0 && !anyway) {
        setWarned(check.errors);
        return;
      }
      let saved: DocumentDetail = detail;
      for (const stage of stages) {
        const text = draft[stage] ?? '';
        if (text !== (detail[stage]?.text ?? '')) saved = await client.call('doc.saveProgram', { docId, stage, text });
      }
      const n = saved.execution.errors.length;
      notify(n > 0 ? 'error' : 'info', n > 0 ? `Program saved with ${n} error${n === 1 ? '' : 's'}: ${describeProgramError(saved.execution.errors[0]!)}` : 'Program saved');
      onClose(saved);
    } catch (err) {
      notify('error', `Could not save the program: ${errorMessage(err)}`);
    } finally {
      setSaving(false);
    }
  };

  // Esc closes the editor (from the text areas too); unsaved changes take a second Esc.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      e.stopPropagation();
      if (changed && !confirmDiscard) setConfirmDiscard(true);
      else discard();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [changed, confirmDiscard, discard]);

  const counted = (warned ?? []).filter((e) => e.counted).length;
  return (
    <div className="editor" data-testid="program-editor">
      {stages.map((stage) => (
        <label key={stage} className="editor-field">
          <span>{LABELS[stage]}</span>
          <textarea
            spellCheck={false}
            value={draft[stage] ?? ''}
            rows={stage === 'doc' ? 2 : 10}
            onChange={(e) => edit(stage, e.target.value)}
            aria-label={`${stage} program`}
            aria-invalid={errors.some((e) => e.stage === stage)}
          />
        </label>
      ))}
      {previewError ? <div className="field-error">Could not run the draft: {previewError}</div> : null}
      <ProgramErrors errors={errors} title={`${errors.length} error${errors.length === 1 ? '' : 's'} in the draft`} />
      {warned ? (
        <div className="editor-warning" role="alert">
          Not saved: the program has {warned.length} error{warned.length === 1 ? '' : 's'} (listed above).{' '}
          {counted >= 2 ? 'Two or more errors cancel the whole chunk program, as in the reference executor. ' : 'A line with an error does nothing. '}
          Fix {warned.length === 1 ? 'it' : 'them'}, or save the program as it is.
        </div>
      ) : null}
      {confirmDiscard ? (
        <div className="editor-warning" role="alert">
          Unsaved changes: press Esc again to discard them.
        </div>
      ) : null}
      <div className="editor-actions">
        {warned ? (
          <button className="btn btn-danger" disabled={saving} onClick={() => void save(true)}>
            Save anyway
          </button>
        ) : (
          <button className="btn btn-primary" disabled={saving || !changed} onClick={() => void save(false)} title={changed ? undefined : 'Nothing changed yet'}>
            Save program
          </button>
        )}
        <button className="btn" onClick={discard} title="Close the editor without saving (Esc)">
          Discard
        </button>
        <span className="muted small">Every keystroke re-executes; nothing is stored until you save. Esc closes.</span>
      </div>
    </div>
  );
}
