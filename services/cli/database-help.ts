import type { Command } from 'commander';

/**
 * Where every command finds its database (see with-database.ts), appended to each command's help:
 * the question an operator has at 3 a.m. is "which database does this touch?".
 */
export const DATABASE_HELP = `
Database: DATABASE_URL (from the environment, or ./.env), e.g. postgres://user:pass@host:5432/outbox.
Without it the command uses the embedded PostgreSQL whose data is under DATA_DIR (default .data):
it joins the one \`npm start\` runs, or starts it and stops it when the command ends. The
embedded server is a development dependency: in the production image, set DATABASE_URL.`;

/** Adds DATABASE_HELP to the help of `command` and of every command under it. */
export function withDatabaseHelp(command: Command): Command {
  command.addHelpText('after', DATABASE_HELP);
  for (const sub of command.commands) withDatabaseHelp(sub);
  return command;
}
