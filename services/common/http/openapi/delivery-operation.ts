import { CLOUDEVENTS_BATCH_CONTENT_TYPE } from '../../events/cloud-event.js';
// Registers the OrderCloudEvent schema the batch body references.
import '../../events/cloud-event-schema.js';
import { noToken } from './security.js';
import { ref } from './component-schemas.js';
import { bodyProblems, commonProblems, json, problem } from './responses.js';

const signatureHeader = (name: string, description: string, example: string) => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string', examples: [example] },
});

/**
 * The delivery contract, POST /events: what the relay sends (its document's `webhooks`) and what
 * every subscriber answers (a path of its document). One operation object, so both say the same.
 */
export function deliveryOperation(operationId: string) {
  return {
    post: {
      operationId,
      tags: ['delivery'],
      // Signed per Standard Webhooks instead: a delivery carries no bearer token.
      ...noToken,
      summary: 'A batch of order events, oldest first, signed per Standard Webhooks',
      description:
        "The relay delivers each subscription's events in commit order, in batches. A 200 means every " +
        'event is processed or was already (subscribers deduplicate by event id). Anything else is ' +
        'retried: 408/425/429/502/503/504 and network errors unchanged after a backoff; other 5xx and ' +
        'timeouts narrowed towards the head of the batch; 401/403 slowly until the secret is fixed; ' +
        'other 4xx narrowed to the head, which is parked as a dead letter after the retry limit; ' +
        '410 disables the subscription.',
      parameters: [
        signatureHeader(
          'webhook-id',
          'The batch id, stable across retries: the first event id, then +N for N more events',
          '019ac5a4-7a9e-7cc1-8e11-3a1b2c3d4e5f+2',
        ),
        signatureHeader(
          'webhook-timestamp',
          'Unix seconds when signed; refused when more than 5 minutes away from the receiver clock',
          '1764410000',
        ),
        signatureHeader(
          'webhook-signature',
          'v1,<base64 HMAC-SHA256 of "id.timestamp.body">, keyed by the whsec_ secret of the subscription',
          'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
        ),
        {
          name: 'traceparent',
          in: 'header',
          required: false,
          description: "The first event's traceparent (and tracestate), so the subscriber joins its trace",
          schema: { type: 'string' },
        },
      ],
      requestBody: {
        required: true,
        content: {
          [CLOUDEVENTS_BATCH_CONTENT_TYPE]: {
            schema: { type: 'array', minItems: 1, items: ref('OrderCloudEvent') },
          },
        },
      },
      responses: {
        '200': json(
          'Every event processed, or already processed, or ignored (a type this subscriber does not handle)',
          {
            type: 'object',
            properties: {
              processed: { type: 'integer', minimum: 0 },
              duplicates: { type: 'integer', minimum: 0 },
              ignored: { type: 'integer', minimum: 0 },
            },
            required: ['processed', 'duplicates', 'ignored'],
          },
        ),
        ...commonProblems,
        ...bodyProblems,
        '400': problem('The body is not JSON, not a non-empty array of CloudEvents, or a path is malformed'),
        '401': problem('Missing, stale or wrong signature headers: nothing was read or parsed'),
        '422': problem(
          'An event of a handled type has a payload its schema refuses (eventId, eventType, errors)',
        ),
        '503': {
          ...problem('The database is busy or unreachable; retry the batch'),
          headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
        },
      },
    },
  };
}
