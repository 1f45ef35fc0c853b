import { SpanKind } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { OrderEvent } from '../../common/events/order-events.js';
import type { EventMetadata } from '../../common/events/outbox-event.js';
import { inSpan } from '../../common/tracing/in-span.js';
import type { Order } from '../order.js';
import { findOrder } from './find-order.js';
import { insertOrder } from './insert-order.js';
import { writeChange, type WrittenChange } from './write-change.js';

/**
 * Everything a command may do to the database, and nothing more: every method is one statement,
 * atomic on its own. A command receives this, never the pool or a connection, so whatever it
 * writes (a new order; an order's change with its events) commits whole or not at all, with or
 * without the transaction an Idempotency-Key record adds around it. A command needing a write that
 * one statement cannot do needs a new method here, written as one statement, rather than two calls.
 */
export type CommandStore = {
  findOrder(id: string): Promise<Order | undefined>;
  insertOrder(order: Order): Promise<void>;
  /** The order's new state guarded by `previousVersion`, and its events in the outbox (see writeChange). */
  writeChange(change: {
    order: Order;
    previousVersion: number;
    events: readonly OrderEvent[];
    metadata: EventMetadata;
    occurredAt: Date;
    eventIds: readonly string[];
  }): Promise<WrittenChange>;
};

/**
 * The writes are traced as client spans of the request: one statement each, so without an
 * Idempotency-Key the span's end is the commit of the order and its events.
 */
const WRITE = { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } };

/**
 * The store over `db`: the pool, or the transaction that also holds an Idempotency-Key record.
 * With `ownedBy`, it finds only that customer's orders: a command on anyone else's order finds none
 * (not found), and so cannot write to it either.
 */
export function commandStore(db: Kysely<DB>, ownedBy?: string): CommandStore {
  return {
    findOrder: (id) => findOrder(db, id, ownedBy),
    insertOrder: (order) => inSpan('insert order', WRITE, () => insertOrder(db, order)),
    writeChange: (change) =>
      inSpan('write order change', WRITE, () =>
        writeChange(
          db,
          change.order,
          change.previousVersion,
          change.events,
          change.metadata,
          change.occurredAt,
          change.eventIds,
        ),
      ),
  };
}
