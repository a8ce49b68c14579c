/**
 * Ctrl-C and SIGTERM for a long CLI command (index, refine, export). The first signal asks the
 * work to stop through an AbortSignal: the batch in flight is rolled back (refine discards the
 * programmer's answers; index commits whole transactions only), the job is marked, the export's
 * temp file is deleted. A second signal ends the process at once; what SQLite committed stays.
 */

export interface Interrupt {
  /** Aborted by the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The signal that came, or null. */
  readonly received: NodeJS.Signals | null;
  /** The conventional exit code for it: 130 for SIGINT, 143 for SIGTERM. */
  readonly exitCode: number;
  /** Removes the handlers (after the work has ended). */
  dispose(): void;
}

const EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/** Thrown reason of an interrupted command's AbortSignal. */
export class InterruptedError extends Error {
  constructor(readonly by: NodeJS.Signals) {
    super(`interrupted by ${by}`);
    this.name = 'InterruptedError';
  }
}

/** Installs the handlers; `what` says in the notice what is being stopped ("refine", "export"). */
export function onInterrupt(what: string): Interrupt {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const handler = (sig: NodeJS.Signals): void => {
    if (received !== null) {
      process.stderr.write(`\nrefinery: ${sig} again: stopping now; committed work is kept, the batch in flight is not\n`);
      process.exit(EXIT_CODES[sig] ?? 1);
    }
    received = sig;
    process.stderr.write(`\nrefinery: ${sig}: stopping ${what} (the batch in flight is rolled back); send it again to stop at once\n`);
    controller.abort(new InterruptedError(sig));
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const s of signals) process.on(s, handler);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    get exitCode() {
      return received === null ? 1 : (EXIT_CODES[received] ?? 1);
    },
    dispose() {
      for (const s of signals) process.off(s, handler);
    },
  };
}
