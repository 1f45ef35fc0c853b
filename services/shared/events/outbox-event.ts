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
