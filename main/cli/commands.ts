/**
 * The list of CLI commands. Each module exports `register(program)` and owns its options,
 * help text and output; keep this file a plain list.
 */
import type { Command } from 'commander';

type Register = (program: Command) => void;

const registrations: Register[] = [];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
