import type { OutboxEvent } from '../../common/events/outbox-event.js';
import type { FailureClass } from './classify-failure.js';

/** One batch for one stream: where it goes, and which partition of the subscription it belongs to. */
export type Delivery = {
  subscription: string;
  endpointUrl: string;
  /**
   * The webhook signing secrets: the subscription's, and during a rotation's overlap its previous
   * one too (HTTP only; a NATS subscription's go unused).
   */
  secrets: readonly string[];
  /** The stream's partition: part of a NATS subject; HTTP sends it nowhere. */
  partition: number;
  events: readonly OutboxEvent[];
};

/**
 * What came of a delivery, already classified (classify-failure.ts), so that the stream worker
 * decides the same way whatever carried the batch.
 */
export type DeliveryOutcome =
  | { kind: 'delivered' }
  | {
      kind: 'failed';
      failure: FailureClass;
      error: string;
      /** The HTTP status when there was one. */
      statusCode: number | null;
      retryAfterMs: number | undefined;
    };

/**
 * How a stream's batch leaves the relay. Resolves when every event of the batch is stored by the
 * other side (a 2xx, every JetStream ack), so that the checkpoint may move; never rejects.
 */
export type Transport = {
  deliver(delivery: Delivery): Promise<DeliveryOutcome>;
  close(): Promise<void>;
};
