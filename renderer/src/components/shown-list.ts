/**
 * The list as it is on screen, for j / k: DocList publishes its loaded rows here on every
 * render, so a step follows the rows as shown (kept in place while reviewing) instead of the
 * order the server would give now. A row not loaded reads as undefined (ask the server then).
 */
import type { DocumentRow } from '../../../contract/api';

export const shownList: {
  key: string;
  total: number;
  rowAt(index: number): DocumentRow | undefined;
  /** The document's row as fetched, if on a loaded page. */
  find(id: string): DocumentRow | undefined;
  /** Where the document is shown, if on a loaded page; -1 otherwise. */
  indexOf(id: string): number;
} = {
  key: '',
  total: 0,
  rowAt: () => undefined,
  find: () => undefined,
  indexOf: () => -1,
};
