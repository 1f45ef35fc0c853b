import { z } from 'zod';
import { isNatsUrl, parseNatsEndpoint, type NatsEndpoint } from '../../common/nats/nats-endpoint.js';
import { redactUrl } from '../../common/redact-url.js';

/**
 * Where a subscriber takes its events from besides POST /events (which stays mounted either way):
 * `http` (the relay POSTs them, the default) or a nats:// URL (it also consumes them from JetStream).
 */
export type EventSource = { kind: 'http' } | { kind: 'nats'; endpoint: NatsEndpoint };

/** `<NAME>_EVENT_SOURCE`: `http` or a nats:// URL in the one format of nats-endpoint.ts. */
export const eventSourceType = () =>
  z
    .string()
    .default('http')
    .transform((text, context): EventSource => {
      if (text === 'http') return { kind: 'http' };
      if (!isNatsUrl(text)) {
        context.addIssue({ code: 'custom', message: 'must be http or a nats:// URL' });
        return z.NEVER;
      }
      const parsed = parseNatsEndpoint(text);
      if (!parsed.ok) {
        context.addIssue({ code: 'custom', message: parsed.error.replaceAll(text, redactUrl(text)) });
        return z.NEVER;
      }
      return { kind: 'nats', endpoint: parsed.endpoint };
    });

/** The name of a subscriber's event source variable: EMAIL_EVENT_SOURCE, ... */
export const eventSourceVariable = (name: string) => `${name.toUpperCase()}_EVENT_SOURCE`;
