/**
 * The list of CLI commands. Each module exports `register(program)` and owns its options,
 * help text and output; keep this file a plain list.
 */
import type { Command } from 'commander';
import { register as execute } from './execute';
import { register as indexCommand } from './index';
import { register as refineCommand } from './refine';
import { register as exportCommand } from './export';
import { register as statsCommand } from './stats';
import { register as modelsCommand } from './models';
import { register as programCommand } from './program';
import { register as serveCommand } from './serve';
import { register as promptCommand } from './prompt';
import { register as llamaServerCommand } from './llama-server';
import { register as mergeCommand } from './merge';

type Register = (program: Command) => void;

const registrations: Register[] = [indexCommand, refineCommand, exportCommand, statsCommand, execute, promptCommand, modelsCommand, programCommand, serveCommand, llamaServerCommand, mergeCommand];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
