/**
 * Turns a Node file-system error into words a user can act on. Used by the scanner, the
 * readers and the export writer, so the same failure reads the same everywhere.
 */
export function describeFsError(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  switch (code) {
    case 'ENOENT':
      return 'it does not exist (it may have been moved or deleted)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied; give your user access to it';
    case 'ENOSPC':
      return 'the disk is full; free some space or choose another disk';
    case 'EDQUOT':
      return 'the disk quota is exceeded; free some space or choose another disk';
    case 'EFBIG':
      return 'the file grew larger than this file system or your file-size limit allows; choose another disk or a compressed export (.jsonl.zst)';
    case 'EROFS':
      return 'the file system is read-only; choose a writable folder';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'ELOOP':
      return 'it is a symbolic link loop';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many files are open; close other programs and try again';
    case 'EIO':
      return 'the disk reported an input/output error; check the disk';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** A problem with what the caller asked for (e.g. a folder that does not exist), not with one file in it. */
export class CorpusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorpusError';
  }
}

/**
 * JSON.parse's message for one line or one array element, without the "(line N column M)" that
 * Node 22's V8 appends: the issue already names the line, and inside one line the position says
 * the rest, so the message reads the same on every Node and Electron.
 */
export function describeJsonLineError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/ \(line \d+ column \d+\)$/, '');
}
