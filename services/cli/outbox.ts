import { Command } from 'commander';
import { withDatabaseHelp } from './database-help.js';
import { deadLettersCommand } from './dead-letters-command.js';
import { migrateCommand } from './migrate-command.js';
import { packageVersion } from './package-version.js';
import { relayCommand } from './relay-command.js';
import { replayCommand } from './replay-command.js';
import { rewindCommand } from './rewind-command.js';
import { statusCommand } from './status-command.js';
import { subscriptionsCommand } from './subscriptions-command.js';

/** The `outbox` operations CLI. Each command lives in its own module; this file only assembles them. */
export function buildCli(): Command {
  const cli = new Command('outbox')
    .description('Operate the order outbox: migrations, the relay, subscriptions, dead letters')
    .version(packageVersion(), '-V, --version', 'print the version (alone on stdout) and exit')
    .showHelpAfterError()
    // Each command's options after its name are its own (dead-letters and its discard share names).
    .enablePositionalOptions()
    .addCommand(migrateCommand())
    .addCommand(relayCommand())
    .addCommand(subscriptionsCommand())
    .addCommand(statusCommand())
    .addCommand(deadLettersCommand())
    .addCommand(replayCommand())
    .addCommand(rewindCommand());
  return withDatabaseHelp(cli);
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    console.error(`outbox: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof Error && error.cause) console.error(error.cause);
    process.exitCode = 1;
  }
}
