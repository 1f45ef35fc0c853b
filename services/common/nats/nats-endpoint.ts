import { parseDuration } from '../duration.js';

/**
 * Where events go through NATS JetStream, written as one URL so that a subscription's endpoint and a
 * subscriber's event source take the same form:
 *
 *   nats://host:port/<subject prefix>?stream=ORDERS&partitions=8&max-age=7d&duplicate-window=2m&retention=limits
 *
 * Every event is published on `<prefix>.<partition>.<event type>` (subjects.ts). Only host, port
 * and prefix are required; the rest default as below. Credentials, if any, go in the URL's user
 * info (nats://user:password@host:port/...).
 */
export type NatsEndpoint = {
  /** The server to connect to, without the path and query: nats://host:port. */
  servers: string;
  user: string | undefined;
  password: string | undefined;
  subjectPrefix: string;
  stream: string;
  /** How many partition subjects events are spread over; the subscription's partitions. */
  partitions: number;
  /** How long JetStream keeps a message (limits retention), in ms. */
  maxAgeMs: number;
  /** JetStream drops a republish with the same Nats-Msg-Id within this window, in ms. */
  duplicateWindowMs: number;
  /**
   * Always limits: messages stay until max-age. Interest retention stores nothing while no
   * consumer exists yet (the relay usually creates the stream before the subscribers their
   * consumers) yet still acknowledges the publish, and work-queue retention refuses a second
   * service's consumer on the same subjects: both would lose events.
   */
  retention: 'limits';
};

export const NATS_ENDPOINT_DEFAULTS = {
  stream: 'ORDER_EVENTS',
  partitions: 1,
  maxAge: '7d',
  duplicateWindow: '2m',
  retention: 'limits',
} as const;

const TOKEN = /^[A-Za-z0-9_-]+$/;

export function isNatsUrl(text: string): boolean {
  return /^nats:\/\//i.test(text);
}

/** The endpoint, or a message fit for an operator saying what is wrong with the URL. */
export function parseNatsEndpoint(
  text: string,
): { ok: true; endpoint: NatsEndpoint } | { ok: false; error: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, error: `${text} is not a URL` };
  }
  if (url.protocol !== 'nats:') return { ok: false, error: `${text} is not a nats:// URL` };
  if (!url.hostname) return { ok: false, error: `${text} names no host` };
  const prefix = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!prefix || !prefix.split('.').every((token) => TOKEN.test(token))) {
    return {
      ok: false,
      error: `${text}: the path must be the subject prefix, dot-separated tokens of letters, digits, _ and - (nats://host:4222/orders)`,
    };
  }
  const known = new Set(['stream', 'partitions', 'max-age', 'duplicate-window', 'retention']);
  const unknown = [...url.searchParams.keys()].filter((key) => !known.has(key));
  if (unknown.length > 0) return { ok: false, error: `${text}: unknown option ${unknown.join(', ')}` };
  const stream = url.searchParams.get('stream') ?? NATS_ENDPOINT_DEFAULTS.stream;
  if (!TOKEN.test(stream)) return { ok: false, error: `${text}: stream must be letters, digits, _ and -` };
  const partitions = Number(url.searchParams.get('partitions') ?? NATS_ENDPOINT_DEFAULTS.partitions);
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024) {
    return { ok: false, error: `${text}: partitions must be a whole number from 1 to 1024` };
  }
  const maxAgeMs = parseDuration(url.searchParams.get('max-age') ?? NATS_ENDPOINT_DEFAULTS.maxAge);
  const duplicateWindowMs = parseDuration(
    url.searchParams.get('duplicate-window') ?? NATS_ENDPOINT_DEFAULTS.duplicateWindow,
  );
  if (maxAgeMs === undefined || duplicateWindowMs === undefined) {
    return { ok: false, error: `${text}: max-age and duplicate-window must be durations such as 7d or 2m` };
  }
  const retention = url.searchParams.get('retention') ?? NATS_ENDPOINT_DEFAULTS.retention;
  if (retention !== 'limits') {
    return {
      ok: false,
      error:
        `${text}: retention must be limits (interest and workqueue retention can drop events no ` +
        'consumer has taken yet; set how long events are kept with max-age)',
    };
  }
  return {
    ok: true,
    endpoint: {
      servers: `nats://${url.host}`,
      user: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      subjectPrefix: prefix,
      stream,
      partitions,
      maxAgeMs,
      duplicateWindowMs,
      retention,
    },
  };
}
