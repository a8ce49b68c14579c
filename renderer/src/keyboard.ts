/**
 * Where shortcuts stop: keys typed into a text field belong to it. Every other element that
 * can hold focus (a checkbox just clicked, a button, the list) leaves j/k, 1–9, / and e to the app.
 */
const TEXT_INPUT_TYPES = new Set(['text', 'search', 'email', 'url', 'number', 'password', 'tel']);

export function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return TEXT_INPUT_TYPES.has(target.type);
  return false;
}

/** A shortcut key with no modifier, pressed outside a text field. */
export function isShortcut(e: KeyboardEvent): boolean {
  return !(e.metaKey || e.ctrlKey || e.altKey || typingInto(e.target));
}
