import type { Transaction } from 'kysely';
import type { DB } from '../../shared/db/database.js';
import type { EventMetadata } from '../../shared/events/outbox-event.js';
import { decide, type Order, type OrderAction, type TransitionRefused } from '../order.js';
import { insertOrder } from './insert-order.js';
import { insertOutboxEvents } from './insert-outbox-events.js';
import { lockOrder } from './lock-order.js';
import { updateOrder } from './update-order.js';

/**
 * The write side of the store. Each function runs inside the caller's transaction (the HTTP edge
 * opens it, so the idempotency record commits with the command): the order row and its events are
 * written together or not at all.
 */
export async function saveNewOrder(trx: Transaction<DB>, order: Order): Promise<void> {
  // Creating an order records no event: nothing has happened to anyone downstream until `place`.
  await insertOrder(trx, order);
}

export type ChangeOrderCommand = {
  orderId: string;
  action: OrderAction;
  /** From If-Match: the version the client last saw; undefined accepts any. */
  expectedVersions?: readonly number[] | undefined;
  metadata: EventMetadata;
  now: Date;
};

export type ChangeOrderOutcome =
  | { ok: true; order: Order; eventIds: string[] }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'version-mismatch'; order: Order }
  | { ok: false; reason: 'refused'; refusal: TransitionRefused };

export async function changeOrder(
  trx: Transaction<DB>,
  command: ChangeOrderCommand,
): Promise<ChangeOrderOutcome> {
  const current = await lockOrder(trx, command.orderId);
  if (!current) return { ok: false, reason: 'not-found' };
  if (command.expectedVersions && !command.expectedVersions.includes(current.version)) {
    return { ok: false, reason: 'version-mismatch', order: current };
  }
  const decision = decide(current, command.action, command.now);
  if (!decision.ok) return { ok: false, reason: 'refused', refusal: decision.refusal };
  await updateOrder(trx, decision.order, current.version);
  const eventIds = await insertOutboxEvents(
    trx,
    decision.order,
    decision.events,
    command.metadata,
    command.now,
  );
  return { ok: true, order: decision.order, eventIds };
}
