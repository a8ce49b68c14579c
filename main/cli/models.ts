/**
 * `refinery models <subcommand>`: one command group for everything about model files.
 * Each subcommand lives in its own module and adds itself to `registerModelSubcommands`
 * (convert here; add/list belong to the model runtime's modules).
 */
import type { Command } from 'commander';
import { registerConvert } from './models-convert';
import { registerModelsAdd, registerModelsInfo, registerModelsInstall, registerModelsList } from './models-manage';

export type ModelSubcommand = (models: Command) => void;

export const registerModelSubcommands: ModelSubcommand[] = [registerConvert, registerModelsList, registerModelsAdd, registerModelsInstall, registerModelsInfo];

export function register(program: Command): void {
  const models = program.command('models').description('Manage refining models: convert Hugging Face checkpoints to GGUF, add and list models');
  for (const registerSubcommand of registerModelSubcommands) registerSubcommand(models);
}
