import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { generateWebhookSecret } from '../../services/common/events/webhook-signature.js';
import { createLogger } from '../../services/common/logger.js';
import { parseNatsEndpoint } from '../../services/common/nats/nats-endpoint.js';
import { registerTracing, type Tracing } from '../../services/common/tracing/tracing.js';
import type { Relay } from '../../services/relay/relay.js';
import {
  startNatsEventSource,
  type NatsEventSource,
} from '../../services/subscribers/nats/nats-event-source.js';
import { warehouseEffects } from '../../services/subscribers/warehouse/warehouse-effects.js';
import { startTestNats, type TestNats } from '../support/nats-server.js';
import { createOrderVia, startApiHarness, type ApiHarness } from '../support/order-api-harness.js';
import { startTestRelay, subscribe } from '../support/relay-harness.js';
import { waitFor } from '../support/wait-for.js';

// The same trace as over HTTP, through JetStream: the relay publishes, the warehouse pulls.
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let nats: TestNats;
let api: ApiHarness;
let relay: Relay;
let source: NatsEventSource;

const CLIENT_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CLIENT_SPAN_ID = 'b7ad6b7169203331';

beforeAll(async () => {
  tracing = registerTracing('trace-test', new SimpleSpanProcessor(exporter));
  nats = await startTestNats();
  api = await startApiHarness();
  const id = randomUUID().slice(0, 8);
  const url = `${nats.url}/t${id}.orders?stream=T_${id}`;
  await subscribe(api.database.db, 'warehouse', { url, secret: generateWebhookSecret() }, ['OrderPlaced']);
  relay = startTestRelay(api.database.db, api.database.url);
  const endpoint = parseNatsEndpoint(url);
  if (!endpoint.ok) throw new Error(endpoint.error);
  source = startNatsEventSource({
    endpoint: endpoint.endpoint,
    db: api.database.db,
    effects: warehouseEffects,
    clock: () => new Date(),
    logger: createLogger('trace-test-warehouse', 'silent'),
    registry: new Registry(),
    ackWaitMs: 5_000,
    batchSize: 10,
  });
  // Not awaited: the source starts consuming once the relay's first delivery has made the stream.
});

afterAll(async () => {
  await source.stop();
  await relay.stop();
  await api.close();
  await nats.stop();
  await tracing.shutdown();
});

const spanId = (span: ReadableSpan) => span.spanContext().spanId;
const traceId = (span: ReadableSpan) => span.spanContext().traceId;

describe('tracing an order through NATS JetStream', () => {
  it('continues the request trace: request -> delivery (publish) -> apply (pull)', async () => {
    const orderId = await createOrderVia(api);
    const placed = await api.post(`/orders/${orderId}/place`, undefined, {
      traceparent: `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`,
    });
    expect(placed.status).toBe(200);
    const inTrace = () => exporter.getFinishedSpans().filter((span) => traceId(span) === CLIENT_TRACE_ID);
    await waitFor(
      'the warehouse to apply the OrderPlaced, and the relay to have its acks',
      () =>
        inTrace().some((span) => span.name === 'apply warehouse') &&
        inTrace().some((span) => span.name === 'deliver warehouse'),
    );

    const request = inTrace().find((span) => span.name === 'POST /orders/:id/place')!;
    const delivery = inTrace().find((span) => span.name === 'deliver warehouse')!;
    const apply = inTrace().find((span) => span.name === 'apply warehouse')!;
    expect(delivery.parentSpanContext?.spanId).toBe(spanId(request));
    expect(delivery.events.map((event) => event.name)).toEqual(['read', 'sent', 'response']);
    expect(apply.kind).toBe(SpanKind.CONSUMER);
    expect(apply.parentSpanContext?.spanId).toBe(spanId(delivery));
    expect(apply.events.map((event) => event.name)).toEqual(['committed']);
  });
});
