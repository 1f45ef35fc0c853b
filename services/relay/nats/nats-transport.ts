import { headers as natsHeaders } from '@nats-io/transport-node';
import { context, trace } from '@opentelemetry/api';
import type { Logger } from '../../common/logger.js';
import { parseNatsEndpoint, type NatsEndpoint } from '../../common/nats/nats-endpoint.js';
import type { Delivery, DeliveryOutcome, Transport } from '../delivery/transport.js';
import { classifyPublishError } from './classify-publish-error.js';
import { ensureJetStreamStream } from './ensure-jetstream-stream.js';
import { createNatsConnections, type NatsLink } from './nats-connections.js';
import { buildNatsMessage, messageSize, type NatsMessage } from './nats-message.js';
import { redactUrl } from '../../common/redact-url.js';
import { traceHeadersOf } from '../../common/tracing/trace-headers.js';
import { spanTime } from '../../common/tracing/span-time.js';

export type Prepared =
  | { ok: true; endpoint: NatsEndpoint; link: NatsLink; maxMessageBytes: number }
  | { ok: false; error: string };

export type NatsTransport = Transport & {
  /**
   * Parses the endpoint, connects and creates or checks its stream; done once per stream (until a
   * publish finds the stream gone). The relay calls it at start for every enabled NATS
   * subscription; a delivery calls it first, so a subscription added later is checked likewise.
   */
  prepare(subscription: string, endpointUrl: string): Promise<Prepared>;
};

/**
 * Delivers a batch by publishing each event to JetStream, pipelined: every publish is sent, then
 * their acks are awaited together, so a batch costs about one round trip, not one per event. The
 * batch counts as delivered only once every ack arrived; otherwise it is retried whole and the
 * duplicate window (Nats-Msg-Id = event id) drops what was already stored.
 */
export function createNatsTransport(options: { timeoutMs: number; logger: Logger }): NatsTransport {
  const { logger } = options;
  const connections = createNatsConnections({ timeoutMs: options.timeoutMs, logger });
  const streams = new Map<string, Promise<Prepared>>();

  async function prepareStream(
    subscription: string,
    endpointUrl: string,
    endpoint: NatsEndpoint,
  ): Promise<Prepared> {
    const where = redactUrl(endpointUrl);
    let link: NatsLink;
    try {
      link = await connections.linkFor(endpoint);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ok: false, error: `cannot reach the NATS server of ${where}: ${reason}` };
    }
    const ensured = await ensureJetStreamStream(link.jsm, endpoint);
    if (!ensured.ok) return { ok: false, error: `${ensured.error} (endpoint ${where})` };
    const fields = { subscriber: subscription, endpoint: where, stream: endpoint.stream };
    if (ensured.created) logger.info(fields, 'JetStream stream created');
    for (const warning of ensured.warnings)
      logger.warn({ ...fields, warning }, 'JetStream stream differs from the endpoint URL; used as is');
    return { ok: true, endpoint, link, maxMessageBytes: ensured.maxMessageBytes };
  }

  function prepare(subscription: string, endpointUrl: string): Promise<Prepared> {
    const parsed = parseNatsEndpoint(endpointUrl);
    if (!parsed.ok)
      return Promise.resolve({
        ok: false,
        error: parsed.error.replaceAll(endpointUrl, redactUrl(endpointUrl)),
      });
    const { endpoint } = parsed;
    const key = [
      endpoint.servers,
      endpoint.user,
      endpoint.password,
      endpoint.stream,
      endpoint.subjectPrefix,
    ].join('|');
    let prepared = streams.get(key);
    if (!prepared) {
      prepared = prepareStream(subscription, endpointUrl, endpoint);
      streams.set(key, prepared);
      // A failure is not remembered: the stream's retry checks again.
      void prepared.then((result) => {
        if (!result.ok) streams.delete(key);
      });
    }
    return prepared;
  }

  function forget(endpointUrl: string): void {
    const parsed = parseNatsEndpoint(endpointUrl);
    if (!parsed.ok) return;
    const { endpoint } = parsed;
    streams.delete(
      [endpoint.servers, endpoint.user, endpoint.password, endpoint.stream, endpoint.subjectPrefix].join('|'),
    );
  }

  async function deliver(delivery: Delivery): Promise<DeliveryOutcome> {
    const failed = (failure: 'unavailable' | 'refused', error: string): DeliveryOutcome => ({
      kind: 'failed',
      failure,
      error,
      statusCode: null,
      retryAfterMs: undefined,
    });
    const prepared = await prepare(delivery.subscription, delivery.endpointUrl);
    if (!prepared.ok) return failed('unavailable', prepared.error);
    const { endpoint, link } = prepared;
    if (link.connection.isClosed()) {
      // Closed for good: prepare again next time, on a new connection (see nats-connections.ts).
      forget(delivery.endpointUrl);
      return failed('unavailable', `the connection to ${endpoint.servers} is closed; opening a new one`);
    }
    // Published now, they would wait in the client's buffer and be resent after the reconnect,
    // behind whatever of the batch the lost socket swallowed: fail at once and retry the batch.
    if (!link.isConnected())
      return failed(
        'unavailable',
        `the connection to ${endpoint.servers} is down; the client is reconnecting`,
      );

    // The delivery span (trace-delivery.ts), when tracing is on: the subscriber's span joins it.
    const span = trace.getActiveSpan();
    const propagated = span && traceHeadersOf(context.active());
    const messages = delivery.events.map((event) =>
      buildNatsMessage(endpoint.subjectPrefix, delivery.partition, event, propagated),
    );
    // An event too large for the server or the stream is refused before anything is sent, so that
    // no later event of the batch (maybe of the same order) is stored ahead of it.
    const limit = Math.min(
      link.connection.info?.max_payload ?? Number.POSITIVE_INFINITY,
      prepared.maxMessageBytes > 0 ? prepared.maxMessageBytes : Number.POSITIVE_INFINITY,
    );
    const tooLarge = messages.findIndex((message) => messageSize(message) > limit);
    if (tooLarge !== -1) {
      const event = delivery.events[tooLarge]!;
      return failed(
        'refused',
        `event ${event.eventId} is ${messageSize(messages[tooLarge]!)} bytes as a NATS message, more than the ` +
          `${limit} bytes the server or stream ${endpoint.stream} takes`,
      );
    }

    span?.addEvent('sent', spanTime());
    const acks = await Promise.allSettled(messages.map((message) => publish(link, endpoint, message)));
    span?.addEvent('response', spanTime());
    const rejected = acks.find((ack) => ack.status === 'rejected');
    if (rejected) {
      const classified = classifyPublishError(rejected.reason);
      if (classified.streamGone) forget(delivery.endpointUrl);
      const lost = acks.filter((ack) => ack.status === 'rejected').length;
      return failed(
        classified.failure === 'refused' ? 'refused' : 'unavailable',
        `${classified.error} (${lost} of ${messages.length} publishes not acknowledged)`,
      );
    }
    const duplicates = acks.filter((ack) => ack.status === 'fulfilled' && ack.value.duplicate).length;
    if (duplicates > 0)
      logger.debug(
        { subscriber: delivery.subscription, duplicates, events: messages.length },
        'JetStream dropped republished events (duplicate window)',
      );
    return { kind: 'delivered' };
  }

  function publish(link: NatsLink, endpoint: NatsEndpoint, message: NatsMessage) {
    const headers = natsHeaders();
    for (const [key, value] of Object.entries(message.headers)) headers.set(key, value);
    return link.js.publish(message.subject, message.data, {
      msgID: message.msgId,
      headers,
      timeout: options.timeoutMs,
      // A subject some other stream also takes is refused rather than stored there.
      expect: { streamName: endpoint.stream },
    });
  }

  return {
    prepare,
    deliver,
    close: () => connections.close(),
  };
}
