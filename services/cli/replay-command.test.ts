import { describe, expect, it } from '@jest/globals';
import { subscribe, UNREACHABLE_ENDPOINT } from '../../test/support/relay-harness.js';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { useCliTestBed } from '../../test/support/run-cli.js';
import { parkEvent } from '../relay/dead-letters/park-event.js';
import { STREAM_START, type Checkpoint } from '../relay/streams/checkpoint.js';
import { readStreamBatch } from '../relay/streams/read-stream-batch.js';

const DAY_MS = 86_400_000;

const bed = useCliTestBed();
const cli = bed.cli;

/** Parks every event of the stream as the relay would after its last retry; returns their ids. */
async function parkAll(subscription: string): Promise<string[]> {
  await bed.database.db.updateTable('relay_streams').set({ lease_owner: 'relay-test' }).execute();
  const { events } = await readStreamBatch(bed.database.db, STREAM_START, ['OrderPlaced'], 10);
  let from: Checkpoint = STREAM_START;
  for (const event of events) {
    await bed.database.db.transaction().execute((trx) =>
      parkEvent(trx, { subscription, partition: 0 }, 'relay-test', from, event, {
        error: 'HTTP 500: boom',
        statusCode: 500,
        attempts: 8,
        firstAttemptAt: new Date(),
        lastAttemptAt: new Date(),
      }),
    );
    from = { txId: event.txId, position: event.position };
  }
  return events.map((event) => event.eventId);
}

async function replayRequested(): Promise<string[]> {
  const rows = await bed.database.db
    .selectFrom('dead_letters')
    .select('event_id')
    .where('replay_requested_at', 'is not', null)
    .orderBy('position')
    .execute();
  return rows.map((row) => row.event_id);
}

describe('outbox replay', () => {
  it("refuses dead letters older than the subscription's dedupe window unless --force", async () => {
    // Given "audit" with two parked events: one that occurred 8 days ago, one just now
    await subscribe(bed.database.db, 'audit', UNREACHABLE_ENDPOINT, ['OrderPlaced']);
    await insertOutboxEvents(bed.database.db, orderEvents(1, 1), new Date(Date.now() - 8 * DAY_MS));
    await insertOutboxEvents(bed.database.db, orderEvents(1, 1));
    const [old, fresh] = await parkAll('audit');

    const refused = await cli('replay', old!);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "1 of the 1 dead letter to replay holds an event older than its subscription's dedupe window (audit: 7d)",
    );
    expect(refused.stderr).toContain('may have forgotten');
    expect(refused.stderr).toContain('--force');
    expect(await replayRequested()).toEqual([]);

    // The whole selection is refused, the recent one included: nothing is marked
    const all = await cli('replay', '--subscription', 'audit', '--all');
    expect(all.code).toBe(1);
    expect(all.stderr).toContain('1 of the 2 dead letters to replay');
    expect(await replayRequested()).toEqual([]);

    // Within the window: no question asked
    expect((await cli('replay', fresh!)).code).toBe(0);
    expect(await replayRequested()).toEqual([fresh]);

    const forced = await cli('replay', old!, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`audit  ${old}`);
    expect(forced.stdout).toContain('--force: 1 of them holds an event older than the dedupe window');
    expect(await replayRequested()).toEqual([old, fresh]);
  });
});
