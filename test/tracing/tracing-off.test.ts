import { afterAll, describe, expect, it } from '@jest/globals';
import { context, trace } from '@opentelemetry/api';
import { startOtlpReceiver, type OtlpReceiver } from '../../bench/otlp-receiver.js';
import { isTracingOn, startTracing } from '../../services/common/tracing/tracing.js';
import { tracer } from '../../services/common/tracing/tracer.js';
import { createOrderVia, useApiHarness } from '../support/order-api-harness.js';

const api = useApiHarness();
const CLIENT_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
let receiver: OtlpReceiver | undefined;

afterAll(async () => {
  await receiver?.close();
});

describe('tracing', () => {
  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT: no provider, no span recorded, no ids in logs', async () => {
    const tracing = startTracing('order-api', {});
    expect(tracing.enabled).toBe(false);
    expect(isTracingOn()).toBe(false);
    const span = tracer.startSpan('anything');
    expect(span.isRecording()).toBe(false);
    span.end();
    context.with(trace.setSpan(context.active(), span), () => expect(trace.getActiveSpan()).toBeUndefined());

    // The caller's traceparent is kept on the event as it came, and no log line has span ids.
    const orderId = await createOrderVia(api);
    const placed = await api.post(`/orders/${orderId}/place`, undefined, { traceparent: CLIENT_TRACEPARENT });
    expect(placed.status).toBe(200);
    const rows = await api.database.db
      .selectFrom('outbox')
      .select('metadata')
      .where('aggregate_id', '=', orderId)
      .execute();
    expect(rows.map((row) => row.metadata)).toEqual([{ traceparent: CLIENT_TRACEPARENT }]);
    const lines = api.logLines.filter((line) => line.orderId === orderId);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toHaveProperty('trace_id');
  });

  it('exports spans as OTLP JSON to OTEL_EXPORTER_OTLP_ENDPOINT under OTEL_SERVICE_NAME when set', async () => {
    receiver = await startOtlpReceiver({ keep: true });
    const endpoint = receiver.url;
    const previous = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    // The exporter reads the endpoint from the environment itself, as in a service process.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    try {
      const tracing = startTracing('order-api', {
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_SERVICE_NAME: 'orders-eu',
      });
      expect(tracing.enabled).toBe(true);
      expect(isTracingOn()).toBe(true);
      const orderId = await createOrderVia(api);
      expect((await api.post(`/orders/${orderId}/place`)).status).toBe(200);
      await tracing.shutdown();
      expect(isTracingOn()).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = previous;
    }
    const spans = receiver.spans();
    const request = spans.find((span) => span.name === 'POST /orders/:id/place');
    const write = spans.find((span) => span.name === 'write order change');
    expect(request).toMatchObject({ service: 'orders-eu' });
    expect(write).toMatchObject({ traceId: request!.traceId, parentSpanId: request!.spanId });
    expect(write!.endMs).toBeGreaterThan(write!.startMs);
  });
});
