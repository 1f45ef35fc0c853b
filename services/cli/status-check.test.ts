import { afterEach, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { once } from 'node:events';
import { holdTransaction, type HeldTransaction } from '../../test/support/held-transactions.js';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { subscribe, UNREACHABLE_ENDPOINT } from '../../test/support/relay-harness.js';
import { runCli, spawnCli, useCliTestBed } from '../../test/support/run-cli.js';
import { waitFor } from '../../test/support/wait-for.js';
import { parkEvent } from '../relay/dead-letters/park-event.js';
import { STREAM_START } from '../relay/streams/checkpoint.js';
import { readStreamBatch } from '../relay/streams/read-stream-batch.js';

const bed = useCliTestBed();
const cli = bed.cli;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const holders: HeldTransaction[] = [];

afterEach(async () => {
  for (const holder of holders.splice(0)) await holder.rollback();
  await bed.database.db.deleteFrom('dead_letters').execute();
  await bed.database.db.deleteFrom('subscriptions').execute();
  await bed.database.db.deleteFrom('outbox').execute();
});

/** The stream of `name` as the relay leaves it after failed attempts answered `status`. */
async function failing(name: string, attempts: number, status: number): Promise<void> {
  await bed.database.db
    .updateTable('relay_streams')
    .set({ failed_attempts: attempts, last_status_code: status, last_error: `HTTP ${status}` })
    .where('subscription_name', '=', name)
    .execute();
}

/** Parks the first event of the stream of `name`, as the relay does after its last retry. */
async function parkFirst(name: string): Promise<void> {
  await bed.database.db.updateTable('relay_streams').set({ lease_owner: 'relay-test' }).execute();
  const { events } = await readStreamBatch(bed.database.db, STREAM_START, ['OrderPlaced'], 1);
  await bed.database.db.transaction().execute((trx) =>
    parkEvent(trx, { subscription: name, partition: 0 }, 'relay-test', STREAM_START, events[0]!, {
      error: 'HTTP 422: unprocessable',
      statusCode: 422,
      attempts: 1,
      firstAttemptAt: new Date(),
      lastAttemptAt: new Date(),
    }),
  );
}

describe('outbox status --check', () => {
  it('exits 0 with one OK line when every subscription is healthy', async () => {
    await subscribe(bed.database.db, 'email', UNREACHABLE_ENDPOINT);
    await insertOutboxEvents(bed.database.db, orderEvents(1, 1));
    const run = await cli('status', '--check');
    expect(run).toMatchObject({ code: 0, stdout: 'OK: 1 subscription, all healthy\n' });
  });

  it('exits 1 on a stream retrying', async () => {
    await subscribe(bed.database.db, 'email', UNREACHABLE_ENDPOINT);
    await failing('email', 12, 503);
    const run = await cli('status', '--check');
    expect(run).toMatchObject({
      code: 1,
      stdout: 'WARNING email: retrying (12 failed attempts, HTTP 503)\n',
    });
  });

  it('exits 1 on a fence held longer than --max-fence-held', async () => {
    await subscribe(bed.database.db, 'email', UNREACHABLE_ENDPOINT);
    holders.push(await holdTransaction(bed.database.url));
    // Committed after the open transaction began, so the fence hides them; a minute old
    await insertOutboxEvents(bed.database.db, orderEvents(1, 1), minutesAgo(1));
    const run = await cli('status', '--check');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^WARNING email: fence held 1m \ds\n$/);
    expect((await cli('status', '--check', '--max-fence-held', '5m')).code).toBe(0);
  });

  it('exits 1 on lag over --max-lag (5m unless given)', async () => {
    await subscribe(bed.database.db, 'email', UNREACHABLE_ENDPOINT);
    await insertOutboxEvents(bed.database.db, orderEvents(1, 1), minutesAgo(10));
    const run = await cli('status', '--check');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^WARNING email: lag 10m \ds over 5m 0s\n$/);
    expect((await cli('status', '--check', '--max-lag', '15m')).code).toBe(0);
  });

  it('exits 2 on dead letters waiting', async () => {
    await subscribe(bed.database.db, 'billing', UNREACHABLE_ENDPOINT);
    await insertOutboxEvents(bed.database.db, orderEvents(1, 1));
    await parkFirst('billing');
    const run = await cli('status', '--check');
    expect(run).toMatchObject({ code: 2, stdout: 'CRITICAL billing: 1 dead letter\n' });
  });

  it('exits 2 on a subscription disabled', async () => {
    await subscribe(bed.database.db, 'email', UNREACHABLE_ENDPOINT);
    expect((await cli('subscriptions', 'disable', 'email')).code).toBe(0);
    const run = await cli('status', '--check');
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^CRITICAL email: disabled.*\n$/);
  });

  it.each([401, 403])('exits 2 on a subscriber refusing the signature (HTTP %i)', async (status) => {
    await subscribe(bed.database.db, 'email', UNREACHABLE_ENDPOINT);
    await failing('email', 2, status);
    const run = await cli('status', '--check');
    expect(run).toMatchObject({
      code: 2,
      stdout: `CRITICAL email: unauthorized (HTTP ${status}: the subscriber refuses the signature)\n`,
    });
  });

  it('puts the worst first on its one line, and --json gives the same verdict', async () => {
    await subscribe(bed.database.db, 'email', UNREACHABLE_ENDPOINT);
    await subscribe(bed.database.db, 'billing', UNREACHABLE_ENDPOINT);
    await insertOutboxEvents(bed.database.db, orderEvents(1, 1));
    await parkFirst('billing');
    await failing('email', 3, 500);
    const run = await cli('status', '--check');
    expect(run).toMatchObject({
      code: 2,
      stdout: 'CRITICAL billing: 1 dead letter; WARNING email: retrying (3 failed attempts, HTTP 500)\n',
    });
    const json = await cli('status', '--check', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      level: 'critical',
      exitCode: 2,
      line: run.stdout.trim(),
      problems: [
        { level: 'critical', subscription: 'billing', reason: '1 dead letter' },
        { level: 'warning', subscription: 'email', reason: 'retrying (3 failed attempts, HTTP 500)' },
      ],
    });
  });

  it('exits 3 with an UNKNOWN line when it cannot read the status', async () => {
    const run = await runCli('postgres://nobody@127.0.0.1:9/none', ['status', '--check']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^UNKNOWN: /);
  });

  it('exits 3, not 1, when a limit it was given is not a duration', async () => {
    const run = await cli('status', '--check', '--max-lag', 'bogus');
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^UNKNOWN: .*--max-lag/);
  });
});

describe('outbox status --watch', () => {
  it('prints a table at each interval on a pipe, and exits 0 on Ctrl-C', async () => {
    await subscribe(bed.database.db, 'email', UNREACHABLE_ENDPOINT);
    const child = spawnCli(bed.database.url, ['status', '--watch', '--interval', '200ms']);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = once(child, 'exit');
    await waitFor('two tables', () => (stdout.match(/│ email\s+│ ok\s+│/g) ?? []).length >= 2, 60_000);
    child.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(
      stdout.match(/^outbox status at \S+ \(every 200 ms; Ctrl-C stops\)$/gm)?.length,
    ).toBeGreaterThanOrEqual(2);
    // A pipe is not a terminal: no escape codes to clear it
    expect(stdout).not.toContain('\x1b[');
  });

  it('with --json prints the document of status --json once per refresh, one per line', async () => {
    await subscribe(bed.database.db, 'email', UNREACHABLE_ENDPOINT);
    const child = spawnCli(bed.database.url, ['status', '--watch', '--json', '--interval', '200ms']);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = once(child, 'exit');
    await waitFor('two documents', () => lines(stdout).length >= 2, 60_000);
    child.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
    const single = JSON.parse((await cli('status', '--json')).stdout) as unknown;
    expect(stdout.endsWith('\n')).toBe(true);
    for (const line of lines(stdout)) expect(JSON.parse(line)).toEqual(single);
    // Nothing but the documents: no header lines, no escape codes
    expect(stdout).not.toContain('outbox status at');
    expect(stdout).not.toContain('\x1b[');
  });

  it('ends quietly with exit 0 when its reader closes the pipe, as `| head` does', async () => {
    await subscribe(bed.database.db, 'email', UNREACHABLE_ENDPOINT);
    const child = spawnCli(bed.database.url, ['status', '--watch', '--interval', '100ms']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = once(child, 'close');
    await once(child.stdout, 'data');
    child.stdout.destroy();
    const [code] = await closed;
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|Error|\bat /);
  });

  it('reports a failed read on stderr in one line and reads again at the next refresh', async () => {
    await subscribe(bed.database.db, 'email', UNREACHABLE_ENDPOINT);
    const child = spawnCli(bed.database.url, ['status', '--watch', '--json', '--interval', '200ms']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = once(child, 'close');
    await waitFor('a first document', () => lines(stdout).length >= 1, 60_000);
    // A table the status reads goes away for a moment: every read fails until it is back
    await sql`alter table dead_letters rename to dead_letters_away`.execute(bed.database.db);
    try {
      await waitFor('a failed read', () => lines(stderr).length >= 1, 60_000);
    } finally {
      await sql`alter table dead_letters_away rename to dead_letters`.execute(bed.database.db);
    }
    const documents = lines(stdout).length;
    await waitFor('a document after it', () => lines(stdout).length > documents, 60_000);
    child.kill('SIGINT');
    const [code] = await closed;
    expect(code).toBe(0);
    for (const line of lines(stderr))
      expect(line).toMatch(
        /^outbox status at \S+ failed: relation "dead_letters" does not exist; trying again in 200 ms$/,
      );
  });

  it('ends with exit 1 and the error when its first read fails, as a single status would', async () => {
    const nowhere = new URL(bed.database.url);
    nowhere.pathname = '/no_such_database';
    const child = spawnCli(nowhere.toString(), ['status', '--watch', '--json', '--interval', '200ms']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, 'close');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('no_such_database');
    expect(stderr).not.toContain('trying again');
  });
});

/** The complete lines of a stream's output so far. */
function lines(output: string): string[] {
  return output.split('\n').slice(0, -1);
}
