import { WorkspaceError } from '../workspace/errors';

/** An error meant for the person at the terminal: printed as one line, no stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit code when another process holds the workspace's writer lock (main/workspace/writer-lock.ts). */
export const EXIT_LOCKED = 75;

/** A workspace's own refusal (busy, locked, invalid input) becomes a one-line CliError; anything else passes unchanged. */
export function cliErrorOf(err: unknown): unknown {
  if (err instanceof WorkspaceError) return new CliError(err.message, err.code === 'busy' ? EXIT_LOCKED : 1);
  return err;
}
