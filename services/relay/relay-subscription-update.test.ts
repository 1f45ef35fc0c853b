import { describe, expect, it } from '@jest/globals';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { subscribe, useRelayTestBed } from '../../test/support/relay-harness.js';
import { runCli } from '../../test/support/run-cli.js';
import { waitFor } from '../../test/support/wait-for.js';
import { rotateSecret } from './subscriptions/rotate-secret.js';

const bed = useRelayTestBed();

describe('updating a live subscription', () => {
  it('moves its deliveries to the new URL and event types from the next batch, keeping the checkpoint', async () => {
    const db = bed.database.db;
    const before = await bed.receiver();
    const after = await bed.receiver();
    await subscribe(db, 'moving', before, ['OrderPlaced', 'OrderShipped']);
    bed.startRelay();
    const first = orderEvents(5, 2);
    await insertOutboxEvents(db, first);
    await waitFor('the first events at the old endpoint', () => before.processed.length === first.length);

    // The new endpoint has its own secret: rotated first (signed with both meanwhile), then moved
    expect(await rotateSecret(db, 'moving', after.secret, 60_000)).toMatchObject({ ok: true });
    const updated = await runCli(bed.database.url, [
      'subscriptions',
      'update',
      'moving',
      '--url',
      after.url,
      '--events',
      'OrderShipped',
    ]);
    expect(updated.code).toBe(0);

    const second = orderEvents(5, 2);
    await insertOutboxEvents(db, second);
    const shipped = second.filter((event) => event.type === 'OrderShipped');
    await waitFor('the shipped events at the new endpoint', () => after.processed.length === shipped.length);
    // Nothing delivered before is delivered again, nothing of the old types goes, nothing goes to the old URL
    expect(after.processedIds()).toEqual(new Set(shipped.map((event) => event.eventId)));
    expect(before.processed).toHaveLength(first.length);
    expect(after.badSignatures + before.badSignatures).toBe(0);
    expect(after.duplicates).toEqual([]);
  });
});
