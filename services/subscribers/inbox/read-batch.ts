import type { CloudEvent } from 'cloudevents';
import { isOrderEventType, orderEventDataSchemas } from '../../common/events/order-events.js';
import type { DeliveredEvent } from './subscriber.js';

/** One event of a delivered batch: `event` is null for a type this contract does not know. */
export type BatchEntry = { id: string; type: string; event: DeliveredEvent | null };

export type ReadBatchResult =
  | { ok: true; entries: BatchEntry[] }
  | { ok: false; reason: 'malformed'; detail: string }
  | { ok: false; reason: 'invalid_payload'; eventId: string; eventType: string; errors: string[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks every event of a parsed batch before anything is written: ids must be UUIDs (the inbox key),
 * and a known type must carry a payload that matches the contract. Unknown types pass through, to
 * be acknowledged and ignored (forward compatibility).
 */
export function readBatch(cloudEvents: CloudEvent<unknown>[]): ReadBatchResult {
  const entries: BatchEntry[] = [];
  for (const [index, cloudEvent] of cloudEvents.entries()) {
    if (!UUID.test(cloudEvent.id)) {
      return {
        ok: false,
        reason: 'malformed',
        detail: `event ${index} has id ${JSON.stringify(cloudEvent.id)}: event ids must be UUIDs`,
      };
    }
    if (!isOrderEventType(cloudEvent.type)) {
      entries.push({ id: cloudEvent.id, type: cloudEvent.type, event: null });
      continue;
    }
    const parsed = orderEventDataSchemas[cloudEvent.type].safeParse(cloudEvent.data);
    if (!parsed.success) {
      return {
        ok: false,
        reason: 'invalid_payload',
        eventId: cloudEvent.id,
        eventType: cloudEvent.type,
        errors: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(data)'}: ${issue.message}`),
      };
    }
    // TypeScript cannot tie `type` to the schema picked by it; the schema lookup above does.
    const event = {
      type: cloudEvent.type,
      data: parsed.data,
      id: cloudEvent.id,
      // The cloudevents package fills in `time` when the producer left it out.
      occurredAt: new Date(cloudEvent.time ?? Date.now()),
      aggregateVersion: readAggregateVersion(cloudEvent.aggregateversion),
    } as DeliveredEvent;
    entries.push({ id: cloudEvent.id, type: cloudEvent.type, event });
  }
  return { ok: true, entries };
}

/**
 * The `aggregateversion` extension the relay sets on every event; anything but a positive integer
 * (or its absence, from another sender) reads as unknown rather than refusing the batch.
 */
export function readAggregateVersion(value: unknown): number | null {
  return Number.isSafeInteger(value) && (value as number) > 0 ? (value as number) : null;
}
