import { JetStreamApiError } from '@nats-io/jetstream';
import { errors } from '@nats-io/transport-node';
import type { FailureClass } from '../delivery/classify-failure.js';

/** JetStream's "message size exceeds maximum allowed" (the stream's max_msg_size). */
const MESSAGE_TOO_LARGE = 10054;

export type PublishFailure = {
  failure: FailureClass;
  error: string;
  /** No stream takes the subject any more (deleted, or its subjects changed): check it again. */
  streamGone: boolean;
};

/**
 * A publish that JetStream refused for good because of the message itself (larger than the
 * server's max_payload or the stream's max_msg_size) is the event's own fault, classified like a
 * 4xx refusal: narrowed to it, then parked. Anything else (a timeout, a lost connection, no stream
 * for the subject, a full stream) is an outage: the batch is retried, never parked, and JetStream's
 * duplicate window drops the messages already stored.
 */
export function classifyPublishError(error: unknown): PublishFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof JetStreamApiError && error.code === MESSAGE_TOO_LARGE)
    return { failure: 'refused', error: `JetStream refused the message: ${message}`, streamGone: false };
  if (error instanceof errors.InvalidArgumentError && message.includes('max_payload'))
    return {
      failure: 'refused',
      error: `larger than the server's max_payload: ${message}`,
      streamGone: false,
    };
  const noStream =
    // What the client makes of a no-responders answer to a publish (its class is not exported).
    (error instanceof Error && error.name === 'JetStreamNotEnabled') ||
    error instanceof errors.NoRespondersError ||
    (error instanceof errors.RequestError && error.isNoResponders());
  if (noStream)
    return {
      failure: 'unavailable',
      error: `no JetStream stream answered for the subject: ${message}`,
      streamGone: true,
    };
  if (error instanceof errors.TimeoutError)
    return { failure: 'unavailable', error: `no JetStream ack in time: ${message}`, streamGone: false };
  return { failure: 'unavailable', error: `publish failed: ${message}`, streamGone: false };
}
