/**
 * The separator between the original and the refined pane: drag it, or focus it and use the
 * arrow keys (Shift for bigger steps), Home / End for the limits and Enter (or a double click)
 * for half and half. The split is saved when a drag or a key press ends.
 */
import { type KeyboardEvent, type PointerEvent, type RefObject, useRef } from 'react';
import { PANE_SPLIT_MAX, PANE_SPLIT_MIN, useApp } from '../store/app';

const STEP = 0.02;
const BIG_STEP = 0.1;

export function SplitHandle({ container, gutter }: { container: RefObject<HTMLElement | null>; gutter: number }) {
  const split = useApp((s) => s.paneSplit);
  const setSplit = useApp((s) => s.setPaneSplit);
  const dragging = useRef(false);

  /** The split under the pointer: its share of the panes' width, the scrollbar left out. */
  const splitAt = (clientX: number): number | null => {
    const box = container.current?.getBoundingClientRect();
    if (!box || box.width - gutter <= 0) return null;
    return (clientX - box.left) / (box.width - gutter);
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    e.currentTarget.focus();
    dragging.current = true;
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    if (!dragging.current) return;
    const at = splitAt(e.clientX);
    if (at !== null) setSplit(at, false);
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>): void => {
    if (!dragging.current) return;
    dragging.current = false;
    e.currentTarget.releasePointerCapture(e.pointerId);
    const at = splitAt(e.clientX);
    setSplit(at ?? useApp.getState().paneSplit, true);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const step = e.shiftKey ? BIG_STEP : STEP;
    let next: number | null = null;
    if (e.key === 'ArrowLeft') next = split - step;
    else if (e.key === 'ArrowRight') next = split + step;
    else if (e.key === 'Home') next = PANE_SPLIT_MIN;
    else if (e.key === 'End') next = PANE_SPLIT_MAX;
    else if (e.key === 'Enter') next = 0.5;
    if (next === null) return;
    e.preventDefault();
    setSplit(next, true);
  };

  return (
    <div
      className="split-handle"
      role="separator"
      aria-orientation="vertical"
      aria-label="Width of the original and refined panes"
      aria-valuemin={Math.round(PANE_SPLIT_MIN * 100)}
      aria-valuemax={Math.round(PANE_SPLIT_MAX * 100)}
      aria-valuenow={Math.round(split * 100)}
      aria-valuetext={`original ${Math.round(split * 100)} %, refined ${Math.round((1 - split) * 100)} %`}
      title="Drag, or use ← → (Shift for bigger steps); Enter or a double click: half and half"
      tabIndex={0}
      data-testid="pane-split"
      style={{ left: `calc((100% - ${gutter}px) * ${split})` }}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onDoubleClick={() => setSplit(0.5, true)}
      onKeyDown={onKeyDown}
    />
  );
}
