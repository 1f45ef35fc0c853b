import type { Kysely } from 'kysely';
import type { DB } from '../../shared/db/database.js';
import type { EventMetadata } from '../../shared/events/outbox-event.js';
import { decide, type Order, type OrderAction, type TransitionRefused } from '../order.js';
import type { EventIds } from './event-ids.js';
import { findOrder } from './find-order.js';
import { insertOrder } from './insert-order.js';
import { writeChange } from './write-change.js';

/**
 * The write side of the store. `db` is the pool, or the caller's transaction when the command
 * must commit with something else (an Idempotency-Key record): every write here is one statement,
 * atomic on its own, so the order row and its events are written together or not at all either way.
 */
export async function saveNewOrder(db: Kysely<DB>, order: Order): Promise<void> {
  // Creating an order records no event: nothing has happened to anyone downstream until `place`.
  await insertOrder(db, order);
}

export type ChangeOrderCommand = {
  orderId: string;
  action: OrderAction;
  /** From If-Match: the version the client last saw; undefined accepts any. */
  expectedVersions?: readonly number[] | undefined;
  metadata: EventMetadata;
  now: Date;
  /** The same on every attempt of the command, and for every race it loses and decides again. */
  eventIds: EventIds;
};

export type ChangeOrderOutcome =
  | { ok: true; order: Order; eventIds: string[] }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'version-mismatch'; order: Order }
  | { ok: false; reason: 'refused'; refusal: TransitionRefused };

/**
 * Optimistic concurrency (a version check rather than a lock): read the order, decide, write guarded
 * by the version read. When another command got there first the write changes nothing and we
 * decide again on what it committed, exactly as if we had waited for its row lock; each lost race
 * means some other command succeeded, so the loop always ends.
 */
export async function changeOrder(db: Kysely<DB>, command: ChangeOrderCommand): Promise<ChangeOrderOutcome> {
  for (;;) {
    const current = await findOrder(db, command.orderId);
    if (!current) return { ok: false, reason: 'not-found' };
    if (command.expectedVersions && !command.expectedVersions.includes(current.version)) {
      return { ok: false, reason: 'version-mismatch', order: current };
    }
    const decision = decide(current, command.action, command.now);
    if (!decision.ok) return { ok: false, reason: 'refused', refusal: decision.refusal };
    const written = await writeChange(
      db,
      decision.order,
      current.version,
      decision.events,
      command.metadata,
      command.now,
      command.eventIds(decision.events.length),
    );
    if (written.written) return { ok: true, order: decision.order, eventIds: written.eventIds };
  }
}
