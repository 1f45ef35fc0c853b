import { Command } from 'commander';
import { migrateCommand } from './migrate-command.js';

/** The `outbox` operations CLI. Each command lives in its own module; this file only assembles them. */
export function buildCli(): Command {
  return new Command('outbox')
    .description('Operate the order outbox: migrations, the relay, subscriptions, dead letters')
    .showHelpAfterError()
    .addCommand(migrateCommand());
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
