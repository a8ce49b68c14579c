/**
 * The list of CLI commands. Each module exports `register(program)` and owns its options,
 * help text and output; keep this file a plain list.
 */
import type { Command } from 'commander';
import { register as execute } from './execute';

type Register = (program: Command) => void;

const registrations: Register[] = [execute];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
