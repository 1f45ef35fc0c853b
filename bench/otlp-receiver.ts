import { createServer } from 'node:http';
import { boundPort } from '../services/common/http/listen.js';

/** One span as the services exported it, times in epoch milliseconds (fractions kept). */
export type ReceivedSpan = {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  startMs: number;
  endMs: number;
  events: { name: string; atMs: number }[];
  links: { traceId: string; spanId: string }[];
};

export type OtlpReceiver = {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT is set to: the exporters post to `${url}/v1/traces`. */
  url: string;
  /** Every span received so far (none when started with `keep: false`). */
  spans(): ReceivedSpan[];
  /** Export requests received and their bytes: the traffic tracing added. */
  received(): { requests: number; bytes: number };
  close(): Promise<void>;
};

/**
 * A minimal OTLP/HTTP trace receiver in the benchmark process: it accepts the JSON encoding (what
 * @opentelemetry/exporter-trace-otlp-http sends), answers 200 at once, and keeps the spans for the
 * latency breakdown, or with `keep: false` only counts them (the API scenario's tracing-on side,
 * where parsing would take CPU from the load generator in the same process).
 */
export async function startOtlpReceiver(options: { keep: boolean }): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  let requests = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (options.keep) chunks.push(chunk);
    });
    req.on('end', () => {
      requests++;
      if (options.keep && req.url === '/v1/traces') {
        try {
          spans.push(...readSpans(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpTraces));
        } catch {
          res.writeHead(400).end();
          return;
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${boundPort(server)}`,
    spans: () => spans,
    received: () => ({ requests, bytes }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type OtlpValue = { stringValue?: string };
type OtlpNanos = string | number;
type OtlpTraces = {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: OtlpValue }[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        startTimeUnixNano: OtlpNanos;
        endTimeUnixNano: OtlpNanos;
        events?: { name: string; timeUnixNano: OtlpNanos }[];
        links?: { traceId: string; spanId: string }[];
      }[];
    }[];
  }[];
};

function readSpans(body: OtlpTraces): ReceivedSpan[] {
  const read: ReceivedSpan[] = [];
  for (const resourceSpans of body.resourceSpans ?? []) {
    const service =
      resourceSpans.resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value
        .stringValue ?? '';
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        read.push({
          service,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          name: span.name,
          startMs: millis(span.startTimeUnixNano),
          endMs: millis(span.endTimeUnixNano),
          events: (span.events ?? []).map((event) => ({
            name: event.name,
            atMs: millis(event.timeUnixNano),
          })),
          links: (span.links ?? []).map((link) => ({ traceId: link.traceId, spanId: link.spanId })),
        });
      }
    }
  }
  return read;
}

/** Unix nanoseconds (a decimal string, beyond a double's integers) to milliseconds with microseconds. */
function millis(nanos: OtlpNanos): number {
  return Number(BigInt(nanos) / 1000n) / 1000;
}
