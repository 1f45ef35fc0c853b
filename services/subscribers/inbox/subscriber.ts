import type { Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { OrderEvent, OrderEventType } from '../../common/events/order-events.js';
import type { SubscriberName } from '../../common/events/default-subscribers.js';

/*
 * Terminology of the subscriber side:
 * - batch: one delivery, a JSON array of CloudEvents, applied in one transaction or not at all.
 * - inbox: `<schema>.inbox`, the event ids already applied (or acknowledged); the dedupe key.
 * - effect: what an event changes in the service's own tables (a message, a reservation...).
 * - ignored: an event acknowledged and recorded without effect (unknown or unsubscribed type).
 * - unseen order: an event for an order whose OrderPlaced this service has not applied yet, although
 *   the order was placed (an OrderPlaced delayed, e.g. as a dead letter). An order cancelled before
 *   it was placed is no such thing: it never had an OrderPlaced (see handle-batch.ts).
 * - wave: the k-th event of each order within a batch (see event-runs.ts).
 */

/** The subscriber services, as the registry in default-subscribers.ts names them. */
export type { SubscriberName };

/**
 * An order event as delivered: its contract type and payload, plus the envelope fields handlers use.
 * `aggregateVersion` is the order's version after the event (null when the sender left it out).
 */
export type DeliveredEvent = OrderEvent & { id: string; occurredAt: Date; aggregateVersion: number | null };

export type EffectContext = { now: Date };

/**
 * What applying a batch reports back: the ids of events that concerned an order this service had not
 * seen placed (handled deliberately, see docs/subscribers.md, and counted as anomalies after commit).
 */
export type EffectReport = { unseenOrderEventIds: string[] };

/**
 * A subscriber's side of the inbox: the event types it acts on and how it applies the new ones of a
 * batch, in batch order, inside the batch's transaction. Events of other types are acknowledged and
 * recorded in the inbox without effect.
 */
export type SubscriberEffects = {
  name: SubscriberName;
  handles: readonly OrderEventType[];
  apply(trx: Transaction<DB>, events: DeliveredEvent[], context: EffectContext): Promise<EffectReport>;
};

export const NOTHING_UNSEEN: EffectReport = { unseenOrderEventIds: [] };
