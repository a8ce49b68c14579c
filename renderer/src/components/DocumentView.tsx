/**
 * One document: original and refined side by side (one shared scroller, so line numbers
 * align and scrolling is synchronised by construction), the program operation by operation
 * with a checkbox each, and a hand editor whose every keystroke re-executes via doc.preview.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { type CSSProperties, memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DocRefineResult, DocumentDetail, ExecutionView, OperationView, Stage } from '../../../contract/api';
import { errorMessage } from '../api/client';
import { formatCount } from '../format';
import { useApp } from '../store/app';
import { type Segment, alignExecution } from './alignment';
import { ComparePanel } from './ComparePanel';
import { STATUS_LABEL } from './list-patch';
import { describeRefine } from './refine-note';
import { RefineNow } from './RefineNow';
import { predictToggle } from './predict';
import { describeProgramError, ProgramEditor, ProgramErrors } from './ProgramEditor';
import { isShortcut } from '../keyboard';
import { SplitHandle } from './SplitHandle';
import { ErrorState, Loading } from './States';

function Segments({ segments, side }: { segments: Segment[]; side: 'original' | 'refined' }) {
  return (
    <>
      {segments.map((s, i) =>
        s.kind === 'plain' ? (
          <span key={i}>{s.text}</span>
        ) : s.kind === 'from' ? (
          <mark key={i} className="span-from" title={side === 'original' ? `normalized to "${s.to}" by program line ${s.op}` : undefined}>
            {s.text}
          </mark>
        ) : (
          <mark key={i} className="span-to">
            {s.text}
          </mark>
        ),
      )}
    </>
  );
}

/** The hover text of a removed line: the operation as numbered in the program panel (its key), its call and its reason. */
function removedTitle(execution: ExecutionView, programLine: number): string {
  const at = execution.operations.findIndex((op) => op.kind === 'remove_lines' && op.line === programLine);
  const op = execution.operations[at];
  if (!op) return `removed by the program's line ${programLine + 1}`;
  return `removed by operation ${at + 1}: ${op.source}${op.reason ? `\n${op.reason}` : ''}`;
}

/** The hover text of an inserted line: the operation that inserted it, as numbered in the program panel, and where. */
function addedTitle(execution: ExecutionView, programLine: number, after: number): string {
  const at = execution.operations.findIndex((op) => op.kind === 'add_line' && op.line === programLine);
  const op = execution.operations[at];
  const where = after < 0 ? 'before line 0' : `after line ${after}`;
  return op ? `inserted ${where} by operation ${at + 1}: ${op.source}` : `inserted ${where} by the program's line ${programLine + 1}`;
}

function TextPanes({ execution, hoveredOp, predicted }: { execution: ExecutionView; hoveredOp: number | null; predicted: boolean }) {
  const alignment = useMemo(() => alignExecution(execution), [execution]);
  const split = useApp((s) => s.paneSplit);
  const panesRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  // The scroller's vertical scrollbar: the header and the split handle leave it out, so both
  // line up with the rows' columns.
  const [gutter, setGutter] = useState(0);
  useEffect(() => {
    const scroller = scrollRef.current;
    if (!scroller) return;
    const measure = (): void => setGutter(scroller.offsetWidth - scroller.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(scroller);
    return () => observer.disconnect();
  }, []);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count: alignment.rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 22,
    overscan: 20,
    useFlushSync: false,
  });
  const numberWidth = String(alignment.lineCount).length;

  // Both panes' columns come from the split: the original (its numbers and text) ends at
  // `split` of the width, wherever the numbers' width puts the text.
  const panesStyle = { '--split': `${(split * 100).toFixed(2)}%`, '--ln': `calc(${numberWidth + 1}ch + 14px)` } as CSSProperties;

  return (
    <div className="panes" ref={panesRef} style={panesStyle}>
      <SplitHandle container={panesRef} gutter={gutter} />
      <div className="panes-head" style={{ paddingRight: gutter }}>
        <div>Original</div>
        <div>
          Refined
          {execution.dropped ? <span className="badge badge-drop">dropped{execution.dropReason ? `: ${execution.dropReason}` : ''}</span> : null}
          {predicted ? <span className="badge" title="Shown from the program; the executor's result replaces it in a moment">updating…</span> : null}
          {execution.cancelled ? (
            <span className="badge badge-error" title={`Two or more program errors cancel the whole program, as in the reference executor:\n${execution.errors.map(describeProgramError).join('\n')}`}>
              chunk program cancelled by {execution.errorCount} errors
            </span>
          ) : execution.errors.some((e) => e.counted) ? (
            <span className="badge badge-error" title={execution.errors.map(describeProgramError).join('\n')}>
              {execution.errors.length === 1 ? `program error, line ${execution.errors[0]!.line + 1}` : `${execution.errors.length} program errors`} (listed with the program)
            </span>
          ) : null}
        </div>
      </div>
      {!alignment.exact ? (
        <div className="notice">A normalization spans a line break, so the rows below are approximate; the exact refined text is shown under the table.</div>
      ) : null}
      <div className="panes-scroll" ref={scrollRef} data-testid="panes">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = alignment.row(item.index);
            if (row.kind === 'added') {
              // A line the program inserted: no original line beside it; "+" instead of a number.
              const { added } = row;
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  className={`row row-added${hoveredOp === added.op ? ' row-hover' : ''}`}
                  style={{ transform: `translateY(${item.start}px)` }}
                  data-testid="added-line"
                  data-op={added.op}
                >
                  <span className="ln" style={{ width: `${numberWidth + 1}ch` }} />
                  <span className="cell cell-original cell-gap" />
                  <span className="ln ln-added" style={{ width: `${numberWidth + 1}ch` }} aria-label="inserted line">
                    +
                  </span>
                  <span className="cell cell-refined" title={addedTitle(execution, added.op, added.after)}>
                    <mark className="span-to">{added.text}</mark>
                  </span>
                </div>
              );
            }
            const { line } = row;
            const removed = line.refined === null;
            const highlighted = hoveredOp !== null && (line.removedBy === hoveredOp || line.original.some((s) => s.kind === 'from' && s.op === hoveredOp));
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className={`row${removed ? ' row-removed' : ''}${execution.dropped ? ' row-dropped' : ''}${highlighted ? ' row-hover' : ''}`}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <span className="ln">
                  {line.index}
                </span>
                <span className="cell cell-original" title={removed && line.removedBy !== null ? removedTitle(execution, line.removedBy) : undefined}>
                  <Segments segments={line.original} side="original" />
                </span>
                <span className="ln">
                  {/* One numbering everywhere: the program's (the original's line), also beside a kept line. */}
                  {removed ? '' : line.index}
                </span>
                <span className="cell cell-refined" data-testid={removed ? undefined : 'refined-line'}>
                  {line.refined && !execution.dropped ? <Segments segments={line.refined} side="refined" /> : null}
                </span>
              </div>
            );
          })}
        </div>
        {!alignment.exact && !predicted ? <pre className="refined-exact">{execution.refined}</pre> : null}
      </div>
    </div>
  );
}

const OperationRow = memo(function OperationRow({ op, index, onToggle, onHover }: { op: OperationView; index: number; onToggle: (op: OperationView) => Promise<void>; onHover: (line: number | null) => void }) {
  const effect =
    op.kind === 'remove_lines'
      ? `${formatCount(op.linesRemoved)} ${op.linesRemoved === 1 ? 'line' : 'lines'}`
      : op.kind === 'normalize'
        ? `${formatCount(op.replacements)}×`
        : op.kind === 'replace_str'
          ? `${formatCount(op.replacements)} ${op.replacements === 1 ? 'line' : 'lines'} changed`
          : op.kind === 'add_line'
            ? `${formatCount(op.linesAdded ?? 0)} ${op.linesAdded === 1 ? 'line' : 'lines'} added`
            : '';
  return (
    <li
      className={`op op-${op.kind}${op.enabled && !op.kindDisabled ? '' : ' op-off'}${op.errors.length ? ' op-error' : ''}`}
      data-stage={op.stage}
      data-line={op.line}
      onMouseEnter={() => onHover(op.stage === 'doc' ? null : op.line)}
      onMouseLeave={() => onHover(null)}
    >
      <label>
        <input type="checkbox" checked={op.enabled && !op.kindDisabled} disabled={op.kindDisabled} onChange={() => void onToggle(op)} aria-label={`operation ${index + 1}: ${op.source}`} />
        {index < 9 ? <kbd className="op-key">{index + 1}</kbd> : null}
        <code className="op-source">{op.source}</code>
      </label>
      <div className="op-meta">
        {effect ? <span>{effect}</span> : null}
        {op.probability !== null ? <span>p={op.probability.toFixed(2)}</span> : null}
        {op.kindDisabled ? <span className="muted">kind switched off</span> : null}
        {op.reason ? <span className="op-reason">{op.reason}</span> : null}
      </div>
      {op.errors.map((e, i) => (
        <div key={i} className="op-errors">
          {e}
        </div>
      ))}
    </li>
  );
});

export function DocumentView({ docId }: { docId: string }) {
  const client = useApp((s) => s.client);
  const notify = useApp((s) => s.notify);
  const refreshRow = useApp((s) => s.refreshRow);
  // The row as the list has it now (a toggle here patches it), so the header's status follows at once.
  const liveRow = useApp((s) => s.rowPatches[docId]?.row);
  const [refineNote, setRefineNote] = useState<{ text: string; failed: boolean } | null>(null);
  const listVersion = useApp((s) => s.listVersion);
  const toggles = useApp((s) => s.toggles);
  const [detail, setDetail] = useState<DocumentDetail | null>(null);
  const [execution, setExecutionState] = useState<ExecutionView | null>(null);
  const [predicted, setPredicted] = useState(false);
  const setExecution = useCallback((view: ExecutionView | null, isPrediction = false) => {
    setExecutionState(view);
    setPredicted(isPrediction);
  }, []);
  const [error, setError] = useState<string | null>(null);
  const [hoveredOp, setHoveredOp] = useState<number | null>(null);
  const [editing, setEditing] = useState(false);
  const [comparing, setComparing] = useState(false);
  const opsCollapsed = useApp((s) => s.opsCollapsed);
  const setOpsCollapsed = useApp((s) => s.setOpsCollapsed);
  // The editor lives in the panel: editing always shows it.
  const folded = opsCollapsed && !editing;

  const load = useCallback(() => {
    let live = true;
    client
      .call('doc.get', { docId })
      .then((d) => {
        if (!live) return;
        setDetail(d);
        setExecution(d.execution);
        setError(null);
      })
      .catch((err: unknown) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [client, docId, setExecution]);

  // Reload quietly (old view stays) when a batch refines documents or toggles change; never
  // under a hand edit in progress. The parent remounts this view per document (key).
  useEffect(() => {
    if (editing) return;
    return load();
  }, [load, listVersion, toggles, editing]);

  // Read through a ref so `toggle` stays stable and memoised operation rows do not re-render.
  const executionRef = useRef<ExecutionView | null>(null);
  useEffect(() => {
    executionRef.current = execution;
  }, [execution]);
  const toggle = useCallback(
    async (op: OperationView) => {
      const before = executionRef.current;
      // Show the predicted result at once; the executor's answer replaces it.
      const guess = before ? predictToggle(before, op, !op.enabled) : null;
      if (guess) {
        executionRef.current = guess;
        setExecution(guess, true);
      }
      try {
        const next = await client.call('doc.setOperation', { docId, stage: op.stage, line: op.line, enabled: !op.enabled });
        setExecution(next);
        // The row as it is now: for the header (kept here, so a later change of the list's
        // query, which drops the list's patches, does not bring the old status back) and the list.
        void client
          .call('docs.rows', { ids: [docId] })
          .then(([row]) => {
            if (!row) return;
            setDetail((d) => (d ? { ...d, row } : d));
            void refreshRow(docId, row);
          })
          .catch((err: unknown) => notify('error', `Could not read ${docId} again: ${errorMessage(err)}`));
      } catch (err) {
        if (guess) setExecution(before);
        notify('error', `Could not switch the operation: ${errorMessage(err)}`);
      }
    },
    [client, docId, notify, refreshRow, setExecution],
  );

  // Keyboard: digits toggle the nth operation (the list's order), e opens the editor.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!execution || editing || !isShortcut(e)) return;
      if (/^[1-9]$/.test(e.key)) {
        const op = execution.operations[Number(e.key) - 1];
        if (op && !op.kindDisabled) {
          e.preventDefault();
          void toggle(op);
        }
      } else if (e.key === 'e' && detail) {
        e.preventDefault();
        setEditing(true);
      } else if (e.key === 'o') {
        e.preventDefault();
        setOpsCollapsed(!useApp.getState().opsCollapsed);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [execution, editing, detail, toggle, setOpsCollapsed]);

  const closeEditor = useCallback(
    (saved: DocumentDetail | null) => {
      setEditing(false);
      if (saved) {
        setDetail(saved);
        setExecution(saved.execution);
        void refreshRow(docId, saved.row);
      } else if (detail) setExecution(detail.execution);
    },
    [detail, setExecution, refreshRow, docId],
  );

  const revert = async (): Promise<void> => {
    try {
      const reverted = await client.call('doc.revertProgram', { docId });
      setDetail(reverted);
      setExecution(reverted.execution);
      void refreshRow(docId, reverted.row);
      notify('info', reverted.doc || reverted.chunk || reverted.ultrax ? "Reverted to the programmer's output" : 'Hand edit removed: the document is not refined');
    } catch (err) {
      notify('error', `Could not revert the program: ${errorMessage(err)}`);
    }
  };

  if (error) return <ErrorState title={`Could not open ${docId}`} message={error} onRetry={load} />;
  if (!detail || !execution) return <Loading what="document" />;
  const row = liveRow ?? detail.row;
  const refined = (result: DocRefineResult): void => {
    setDetail(result.detail);
    setExecution(result.detail.execution);
    setRefineNote({ text: describeRefine(result), failed: result.failure !== null });
    void refreshRow(docId, result.detail.row);
  };
  const operations = execution.operations;
  const switchedOff = operations.filter((op) => !op.enabled || op.kindDisabled).length;

  return (
    <div className="docview" data-testid="docview">
      <header className="docview-head">
        <div className="docview-title">
          <h2 title={row.title}>{row.title || row.id}</h2>
          <div className="docview-sub mono">
            {row.id} · {row.file}
            {row.locator !== null ? `:${row.locator}` : ''} · {formatCount(row.words)} words · <span className={`status status-${row.status}`} data-testid="doc-status">{STATUS_LABEL[row.status]}</span>
          </div>
        </div>
        <div className="docview-actions">
          {editing ? null : (
            <>
              {detail.revertTo ? (
                <button
                  className="btn"
                  onClick={() => void revert()}
                  title={detail.revertTo.programmer ? `Undo the hand edits: back to the programs ${detail.revertTo.programmer} wrote, with their switches` : 'Undo the hand edits: this document had no program before'}
                >
                  {detail.revertTo.programmer ? "Revert to the programmer's output" : 'Remove the hand edit'}
                </button>
              ) : null}
              <button
                className={`btn${comparing ? ' btn-primary' : ''}`}
                aria-pressed={comparing}
                onClick={() => setComparing((c) => !c)}
                title="Every programmer's refinement of this document side by side, with their agreement"
              >
                Compare programmers
              </button>
              <RefineNow docId={docId} onRefined={refined} blocked={detail.revertTo ? "A hand edit holds this document's program: revert to the programmer's output first" : null} />
              <button className="btn" onClick={() => setEditing(true)} title="Edit the program by hand (e)">
                Edit program
              </button>
              <button
                className="btn"
                hidden={comparing}
                aria-expanded={!folded}
                aria-controls="program-panel"
                onClick={() => setOpsCollapsed(!opsCollapsed)}
                title={folded ? 'Show the operations beside the text (o)' : 'Fold the operations away so the text gets the width (o); 1–9 still switch them'}
              >
                {folded ? 'Show operations' : 'Hide operations'}
              </button>
            </>
          )}
        </div>
      </header>
      {refineNote ? (
        <div className={`refine-note${refineNote.failed ? ' refine-note-failed' : ''}`} role="status" data-testid="refine-note">
          <span>{refineNote.text}</span>
          <button className="btn btn-icon" onClick={() => setRefineNote(null)} aria-label="dismiss">
            ×
          </button>
        </div>
      ) : null}
      {comparing && !editing ? <ComparePanel docId={docId} /> : null}
      <div className={`docview-body${folded ? ' docview-body-folded' : editing ? ' docview-body-editing' : ''}`} style={comparing && !editing ? { display: 'none' } : undefined}>
        <TextPanes execution={execution} hoveredOp={hoveredOp} predicted={predicted} />
        {folded ? (
          <aside className="program-rail" id="program-panel" aria-label="program (folded)">
            <button className="program-rail-button" onClick={() => setOpsCollapsed(false)} aria-expanded={false} title="Show the operations (o)">
              {formatCount(operations.length)} {operations.length === 1 ? 'operation' : 'operations'}
              {switchedOff ? ` · ${formatCount(switchedOff)} off` : ''}
              {execution.errors.length ? <span className="badge badge-error">{formatCount(execution.errors.length)} {execution.errors.length === 1 ? 'error' : 'errors'}</span> : null}
            </button>
          </aside>
        ) : (
          <aside className="program" id="program-panel" aria-label="program">
            {editing ? (
              <ProgramEditor detail={detail} onPreview={setExecution} onClose={closeEditor} />
            ) : (
              <ProgramErrors errors={execution.errors} title={`Program errors (${execution.errors.length})`} />
            )}
            {(detail.ultrax || operations.some((op) => op.stage === 'ultrax') ? (['ultrax'] as Stage[]) : (['doc', 'chunk'] as Stage[])).map((stage) => {
              const info = stage === 'doc' ? detail.doc : stage === 'chunk' ? detail.chunk : detail.ultrax;
              const ops = operations.filter((op) => op.stage === stage);
              return (
                <section key={stage} className="program-stage">
                  <h3>{stage === 'doc' ? 'Document stage' : stage === 'chunk' ? 'Chunk stage' : 'UltraX program'}</h3>
                  {info ? (
                    <div className="program-by" title={info.programmer}>
                      {info.programmer}
                      {info.keepProbability != null ? ` · keep p=${info.keepProbability.toFixed(2)}` : ''}
                    </div>
                  ) : null}
                  {info?.failure ? <div className="field-error">Programmer failed: {info.failure}</div> : null}
                  {!info && ops.length === 0 ? <div className="muted small">Not refined yet.</div> : null}
                  {info && ops.length === 0 ? <div className="muted small">Empty program: nothing to do.</div> : null}
                  <ul className="ops">
                    {ops.map((op) => (
                      <OperationRow key={`${op.stage}:${op.line}`} op={op} index={operations.indexOf(op)} onToggle={toggle} onHover={setHoveredOp} />
                    ))}
                  </ul>
                </section>
              );
            })}
          </aside>
        )}
      </div>
    </div>
  );
}
