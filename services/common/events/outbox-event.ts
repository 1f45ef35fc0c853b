/** Trace context and correlation carried from the HTTP request that caused an event to its deliveries. */
export type EventMetadata = {
  traceparent?: string;
  tracestate?: string;
  correlationId?: string;
};

/** One outbox row as the relay reads it and the Order API's history endpoint returns it. */
export type OutboxEvent = {
  /** bigint as a decimal string: JavaScript numbers cannot hold every bigint. */
  position: string;
  eventId: string;
  aggregateType: string;
  aggregateId: string;
  aggregateVersion: number;
  eventType: string;
  payload: unknown;
  metadata: EventMetadata;
  occurredAt: Date;
};

/** An outbox row as selected from the table (snake_case, bigint position as pg returns it). */
export type OutboxRow = {
  position: string | number | bigint;
  event_id: string;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_version: number;
  event_type: string;
  payload: unknown;
  metadata: unknown;
  occurred_at: Date;
};

/** The one mapping from an outbox row to the event every service reads. */
export function toOutboxEvent(row: OutboxRow): OutboxEvent {
  return {
    position: String(row.position),
    eventId: row.event_id,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    aggregateVersion: row.aggregate_version,
    eventType: row.event_type,
    payload: row.payload,
    metadata: row.metadata as EventMetadata,
    occurredAt: row.occurred_at,
  };
}
