import type { EventMetadata } from '../../common/events/outbox-event.js';
import { decide, type Order, type OrderAction, type TransitionRefused } from '../order.js';
import type { CommandStore } from './command-store.js';
import type { EventIds } from './event-ids.js';

/**
 * The write side of the store, over a CommandStore: every write is one of its single statements, so
 * the order row and its events are written together or not at all, in the pool or in the caller's
 * transaction (an Idempotency-Key record) alike.
 */
export async function saveNewOrder(store: CommandStore, order: Order): Promise<void> {
  // Creating an order records no event: nothing has happened to anyone downstream until `place`.
  await store.insertOrder(order);
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
export async function changeOrder(
  store: CommandStore,
  command: ChangeOrderCommand,
): Promise<ChangeOrderOutcome> {
  for (;;) {
    const current = await store.findOrder(command.orderId);
    if (!current) return { ok: false, reason: 'not-found' };
    if (command.expectedVersions && !command.expectedVersions.includes(current.version)) {
      return { ok: false, reason: 'version-mismatch', order: current };
    }
    const decision = decide(current, command.action, command.now);
    if (!decision.ok) return { ok: false, reason: 'refused', refusal: decision.refusal };
    const written = await store.writeChange({
      order: decision.order,
      previousVersion: current.version,
      events: decision.events,
      metadata: command.metadata,
      occurredAt: command.now,
      eventIds: command.eventIds(decision.events.length),
    });
    if (written.written) return { ok: true, order: decision.order, eventIds: written.eventIds };
  }
}
