/**
 * Headless entry: `refinery <command>`. Each command lives in its own module under
 * main/cli/ and registers itself in main/cli/commands.ts.
 */
import { Command } from 'commander';
import { registerCommands } from './cli/commands';
import { CliError } from './cli/errors';
import { packageVersion } from './cli/version';

const program = new Command();
program
  .name('refinery')
  .description('Clean a text corpus on your own machine the ProX way: a program per document, applied by an executor.')
  .version(packageVersion(), '-V, --version', 'print the version')
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CliError) {
    console.error(`refinery: ${err.message}`);
    process.exitCode = err.exitCode;
  } else if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string' && String((err as { code: string }).code).startsWith('commander.')) {
    const code = (err as { exitCode?: number }).exitCode;
    process.exitCode = typeof code === 'number' ? code : 2;
  } else {
    console.error(`refinery: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  }
}
