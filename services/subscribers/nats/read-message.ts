import { parseCloudEventBatch } from '../../common/events/cloud-event.js';
import { parseJson } from '../inbox/parse-json.js';
import { readBatch, type BatchEntry } from '../inbox/read-batch.js';

export type ReadMessageResult =
  { ok: true; entry: BatchEntry } | { ok: false; reason: 'malformed' | 'invalid_payload'; detail: string };

/**
 * One NATS message's data as one CloudEvent (structured content mode), checked exactly as
 * POST /events checks each element of its batch: JSON, a valid CloudEvent 1.0, a UUID id, and a
 * known type's payload against the contract. What fails here can never be applied as it is.
 */
export function readMessage(data: Uint8Array): ReadMessageResult {
  const json = parseJson(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  if (!json.ok) return { ok: false, reason: 'malformed', detail: 'the message data is not valid JSON' };
  if (Array.isArray(json.value)) {
    return {
      ok: false,
      reason: 'malformed',
      detail: 'the message data must be one CloudEvent, not an array',
    };
  }
  const parsed = parseCloudEventBatch([json.value]);
  if (!parsed.ok) return { ok: false, reason: 'malformed', detail: parsed.reason };
  const batch = readBatch(parsed.events);
  if (batch.ok) return { ok: true, entry: batch.entries[0]! };
  return batch.reason === 'malformed'
    ? { ok: false, reason: 'malformed', detail: batch.detail }
    : {
        ok: false,
        reason: 'invalid_payload',
        detail: `event ${batch.eventId} (${batch.eventType}): ${batch.errors.join('; ')}`,
      };
}
