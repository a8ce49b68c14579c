/**
 * The warning about documents whose input id another document already had, worded once for
 * `refinery index`, `refinery serve` and the app (Problems screen). Such a document is not
 * lost: it gets an id from its file and line, and export keeps its input's id in
 * metadata.input.id. `show` escapes text from the input for where it is printed (the CLI
 * passes its terminal escaping; the app shows text as it is).
 */
export interface RenamedIds {
  /** How many documents were renamed. */
  count: number;
  /** The first of them: its input id, file (relative to the folder) and line / row / index (null: a whole-file document). */
  first: { id: string; file: string; locator: number | null };
}

/** `file:line`, or the file alone for a whole-file document. */
export function renamedLocation(first: RenamedIds['first']): string {
  return first.locator === null ? first.file : `${first.file}:${first.locator}`;
}

export function renamedIdsWarning(renamed: RenamedIds, show: (text: string) => string = (text) => text): string {
  const { count, first } = renamed;
  return (
    `${count} ${count === 1 ? 'document has an id' : 'documents have an id'} another document already has (the first: "${show(first.id)}" in ${show(renamedLocation(first))}); ` +
    `${count === 1 ? 'it was' : 'they were'} given ${count === 1 ? 'an id' : 'ids'} from ${count === 1 ? 'its' : 'their'} file and line, and export keeps the input's id in metadata.input.id`
  );
}
