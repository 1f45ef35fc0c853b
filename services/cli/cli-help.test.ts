import { describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { runCli } from '../../test/support/run-cli.js';

// Neither --version nor --help opens the database: an address nothing listens on proves it.
const cli = (...args: string[]) => runCli('postgres://nobody@127.0.0.1:9/none', args);
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

jest.setTimeout(120_000);

describe('outbox --version and --help', () => {
  it('prints the package version and nothing else on stdout', async () => {
    const run = await cli('--version');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });

  it.each([
    'status',
    'dead-letters',
    'dead-letters discard',
    'replay',
    'rewind',
    'migrate',
    'subscriptions list',
  ])('names DATABASE_URL and the embedded fallback in the help of %s', async (command) => {
    const run = await cli(...command.split(' '), '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Database: DATABASE_URL');
    expect(run.stdout).toContain('embedded PostgreSQL whose data is under DATA_DIR');
  });

  it('says when an embedded server it starts stops in words true of the long-running relay too', async () => {
    const run = await cli('relay', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Database: DATABASE_URL');
    expect(run.stdout).toContain('stops it when the command ends');
    expect(run.stdout).not.toContain('afterwards');
  });
});
