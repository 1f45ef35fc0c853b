import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SpanKind, type SpanContext } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Express } from 'express';
import { DEFAULT_SUBSCRIBERS } from '../../services/common/events/default-subscribers.js';
import { generateWebhookSecret } from '../../services/common/events/webhook-signature.js';
import { createLogger } from '../../services/common/logger.js';
import { registerTracing, type Tracing } from '../../services/common/tracing/tracing.js';
import type { Relay } from '../../services/relay/relay.js';
import { createBillingApp } from '../../services/subscribers/billing/create-billing-app.js';
import { createEmailApp } from '../../services/subscribers/email/create-email-app.js';
import { createInventoryApp } from '../../services/subscribers/inventory/create-inventory-app.js';
import { createWarehouseApp } from '../../services/subscribers/warehouse/create-warehouse-app.js';
import { createOrderVia, startApiHarness, type ApiHarness } from '../support/order-api-harness.js';
import { startTestRelay, subscribe } from '../support/relay-harness.js';
import { serve, type Served } from '../support/serve.js';
import { testAuthConfig } from '../support/test-tokens.js';
import { waitFor } from '../support/wait-for.js';

// One process plays every service (as the other in-process tests do), over real HTTP, with one
// tracer provider recording into memory: the spans of all of them land in one list.
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let api: ApiHarness;
let relay: Relay;
const subscribers: Served[] = [];

const CLIENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';

beforeAll(async () => {
  tracing = registerTracing('trace-test', new SimpleSpanProcessor(exporter));
  api = await startApiHarness();
  const db = api.database.db;
  const secret = generateWebhookSecret();
  const options = {
    db,
    webhookSecrets: [secret],
    auth: await testAuthConfig(),
    clock: () => new Date(),
    logger: createLogger('trace-test-subscriber', 'silent'),
    bodyLimit: '1mb',
  };
  const apps: Record<string, Express> = {
    email: createEmailApp(options),
    inventory: createInventoryApp(options),
    warehouse: createWarehouseApp(options),
    billing: createBillingApp({ ...options, catalog: { currency: 'EUR', defaultPriceCents: 1000 } }),
  };
  for (const subscriber of DEFAULT_SUBSCRIBERS) {
    const served = await serve(apps[subscriber.name]!);
    subscribers.push(served);
    await subscribe(db, subscriber.name, { url: `${served.baseUrl}/events`, secret }, subscriber.eventTypes);
  }
  relay = startTestRelay(db, api.database.url);
});

afterAll(async () => {
  await relay.stop();
  await Promise.all(subscribers.map((served) => served.close()));
  await api.close();
  await tracing.shutdown();
});

const spanId = (span: ReadableSpan) => span.spanContext().spanId;
const traceId = (span: ReadableSpan) => span.spanContext().traceId;
const parentId = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const linked = (span: ReadableSpan): SpanContext[] => span.links.map((link) => link.context);
const eventNames = (span: ReadableSpan) => span.events.map((event) => event.name);
const eventMs = (span: ReadableSpan, name: string) => {
  const time = span.events.find((event) => event.name === name)!.time;
  return time[0] * 1000 + time[1] / 1e6;
};

describe('tracing an order from the request to the four subscribers', () => {
  it('is one trace: request -> write, request -> delivery per subscriber -> apply', async () => {
    const orderId = await createOrderVia(api);
    const placed = await api.post(`/orders/${orderId}/place`, undefined, {
      traceparent: `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`,
    });
    expect(placed.status).toBe(200);

    const applied = () =>
      exporter
        .getFinishedSpans()
        .filter((span) => span.name.startsWith('apply ') && traceId(span) === CLIENT_TRACE_ID);
    // A delivery span ends when the relay has the answer, after the subscriber's apply span: wait for both.
    const delivered = () =>
      exporter
        .getFinishedSpans()
        .filter((span) => span.name.startsWith('deliver ') && traceId(span) === CLIENT_TRACE_ID);
    await waitFor(
      'every subscriber to apply the OrderPlaced, and the relay to have its answers',
      () => applied().length >= 4 && delivered().length >= 4,
    );
    const spans = exporter.getFinishedSpans().filter((span) => traceId(span) === CLIENT_TRACE_ID);

    // The request's server span, a child of the client's span, and its write as a child of it.
    const request = spans.find((span) => span.name === 'POST /orders/:id/place');
    expect(request).toBeDefined();
    expect(request!.kind).toBe(SpanKind.SERVER);
    expect(parentId(request!)).toBe(CLIENT_SPAN_ID);
    expect(request!.attributes['http.response.status_code']).toBe(200);
    const write = spans.find((span) => span.name === 'write order change');
    expect(write).toBeDefined();
    expect(parentId(write!)).toBe(spanId(request!));

    // The event stores the request span's context: what the relay and subscribers continue.
    const rows = await api.database.db
      .selectFrom('outbox')
      .select('metadata')
      .where('aggregate_id', '=', orderId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.metadata).toMatchObject({
      traceparent: `00-${CLIENT_TRACE_ID}-${spanId(request!)}-01`,
    });

    // One delivery span per subscription, a child of the request and linked to the event's context;
    // it covers the read, the send and the response.
    const deliveries = spans.filter((span) => span.name.startsWith('deliver '));
    expect(deliveries.map((span) => span.name).sort()).toEqual(
      DEFAULT_SUBSCRIBERS.map((subscriber) => `deliver ${subscriber.name}`).sort(),
    );
    for (const delivery of deliveries) {
      expect(delivery.kind).toBe(SpanKind.PRODUCER);
      expect(parentId(delivery)).toBe(spanId(request!));
      expect(linked(delivery)).toContainEqual(
        expect.objectContaining({ traceId: CLIENT_TRACE_ID, spanId: spanId(request!) }),
      );
      expect(eventNames(delivery)).toEqual(['read', 'sent', 'response']);
    }

    // Each subscriber's apply span is a child of the delivery that carried the batch (its POST's
    // traceparent) and links to the event's own context (the CloudEvent's traceparent).
    const applies = applied();
    expect(applies.map((span) => span.name).sort()).toEqual(
      DEFAULT_SUBSCRIBERS.map((subscriber) => `apply ${subscriber.name}`).sort(),
    );
    for (const apply of applies) {
      const subscriber = apply.name.slice('apply '.length);
      const delivery = deliveries.find((span) => span.name === `deliver ${subscriber}`)!;
      expect(parentId(apply)).toBe(spanId(delivery));
      expect(linked(apply)).toContainEqual(
        expect.objectContaining({ traceId: CLIENT_TRACE_ID, spanId: spanId(request!) }),
      );
      expect(eventNames(apply)).toEqual(['verified', 'committed']);
      expect(apply.attributes['http.response.status_code']).toBe(200);
      // Stamped at sub-millisecond resolution on one clock, the instants of the two spans are in
      // the order they happened (stamps of whole milliseconds put a commit before its send).
      expect(eventMs(delivery, 'read')).toBeLessThanOrEqual(eventMs(delivery, 'sent'));
      expect(eventMs(delivery, 'sent')).toBeLessThan(eventMs(apply, 'committed'));
      expect(eventMs(apply, 'committed')).toBeLessThan(eventMs(delivery, 'response'));
    }
  });

  it("records the whole order even when the client's traceparent says it does not sample", async () => {
    const clientTrace = '5bf92f3577b34da6a3ce929d0e0e4737';
    const orderId = await createOrderVia(api);
    const placed = await api.post(`/orders/${orderId}/place`, undefined, {
      traceparent: `00-${clientTrace}-${CLIENT_SPAN_ID}-00`,
    });
    expect(placed.status).toBe(200);
    await waitFor(
      'every subscriber to apply it, traced',
      () =>
        exporter
          .getFinishedSpans()
          .filter((span) => span.name.startsWith('apply ') && traceId(span) === clientTrace).length >= 4,
    );
    const [row] = await api.database.db
      .selectFrom('outbox')
      .select('metadata')
      .where('aggregate_id', '=', orderId)
      .execute();
    expect(row!.metadata).toMatchObject({
      traceparent: expect.stringMatching(new RegExp(`^00-${clientTrace}-[0-9a-f]{16}-01$`)),
    });
  });

  it('opens no span for a delivery whose signature is refused, whatever traceparent it sends', async () => {
    const forgedTrace = '6bf92f3577b34da6a3ce929d0e0e4738';
    const response = await fetch(`${subscribers[0]!.baseUrl}/events`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/cloudevents-batch+json',
        traceparent: `00-${forgedTrace}-${CLIENT_SPAN_ID}-01`,
      },
      body: '[]',
    });
    expect(response.status).toBe(401);
    expect(exporter.getFinishedSpans().filter((span) => traceId(span) === forgedTrace)).toEqual([]);
  });

  it("writes the request's trace_id and span_id on the log lines written inside it", async () => {
    const orderId = await createOrderVia(api);
    await api.post(`/orders/${orderId}/place`, undefined, {
      traceparent: `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`,
    });
    const line = api.logLines.find(
      (entry) => entry.msg === 'order command' && entry.orderId === orderId && entry.action === 'place',
    );
    const request = exporter
      .getFinishedSpans()
      .find(
        (span) =>
          span.name === 'POST /orders/:id/place' &&
          span.attributes['url.path'] === `/orders/${orderId}/place`,
      );
    expect(request).toBeDefined();
    expect(line).toMatchObject({ trace_id: CLIENT_TRACE_ID, span_id: spanId(request!) });
  });
});
