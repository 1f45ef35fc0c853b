import { z } from 'zod';
import { ORDER_EVENT_TYPES } from '../../common/events/order-events.js';
import { isWebhookSecret } from '../../common/events/webhook-signature.js';
import { parseDuration } from '../../common/duration.js';
import { isNatsUrl, parseNatsEndpoint } from '../../common/nats/nats-endpoint.js';
import { redactUrl } from '../../common/redact-url.js';
import { MAX_PARTITIONS } from '../streams/partition.js';

export type Subscription = {
  name: string;
  endpointUrl: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null;
  /** How long the subscriber remembers the event ids it processed: older events need --force to resend. */
  dedupeWindowMs: number;
  /** How many ordered streams deliver it (see partition.ts); fixed once created. */
  partitions: number;
  createdAt: Date;
};

/** The subscribers' own INBOX_RETENTION default, and so that of a subscription's dedupe window. */
export const DEFAULT_DEDUPE_WINDOW = '7d';

/**
 * Where a new subscription's streams start: every retained event, only those committed from now,
 * or the lowest checkpoint of another subscription's partitions (to take over from it).
 */
export type StartFrom = 'beginning' | 'now' | { checkpointOf: string };

const CHECKPOINT_OF = /^checkpoint-of:([a-z0-9][a-z0-9_-]{0,62})$/;

/**
 * An endpoint is a webhook (http, https) or a JetStream stream (nats://, see nats-endpoint.ts). A
 * subscription's partition count is its own option, so the URL may not carry one as well.
 */
function endpointProblem(text: string): string | undefined {
  if (isNatsUrl(text)) {
    const parsed = parseNatsEndpoint(text);
    if (!parsed.ok) return parsed.error.replaceAll(text, redactUrl(text));
    if (new URL(text).searchParams.has('partitions'))
      return 'a nats:// endpoint takes no partitions= option: use --partitions';
    return undefined;
  }
  const protocol = URL.canParse(text) ? new URL(text).protocol : undefined;
  if (protocol !== 'http:' && protocol !== 'https:')
    return 'must be an http:// or https:// URL, or a nats:// URL';
  return undefined;
}

export const subscriptionInputSchema = z.object({
  name: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9_-]{0,62}$/,
      'must be 1-63 lowercase letters, digits, "-" or "_", starting with a letter or digit',
    ),
  endpointUrl: z.string().superRefine((text, context) => {
    const problem = endpointProblem(text);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  }),
  eventTypes: z
    .array(
      z.string().refine((type) => (ORDER_EVENT_TYPES as string[]).includes(type), {
        error: (issue) =>
          `unknown event type ${JSON.stringify(issue.input)}; known: ${ORDER_EVENT_TYPES.join(', ')}`,
      }),
    )
    .min(1, 'at least one event type'),
  secret: z
    .string()
    .refine(isWebhookSecret, 'must be a Standard Webhooks secret: whsec_ + base64 of 24+ bytes'),
  from: z.union([
    z.enum(['beginning', 'now']),
    z
      .string()
      .regex(CHECKPOINT_OF, 'must be beginning, now or checkpoint-of:<subscription>')
      .transform((text) => ({ checkpointOf: CHECKPOINT_OF.exec(text)![1]! })),
  ]),
  /** A duration text (7d, 36h, ...) in, milliseconds out; omitted: the column's default (7 days). */
  dedupeWindowMs: z
    .string()
    .transform((text, context) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        context.addIssue({ code: 'custom', message: 'must be a duration such as 30m, 24h or 7d' });
        return z.NEVER;
      }
      return ms;
    })
    .optional(),
  /** Omitted: 1, one stream, the whole subscription in one order. */
  partitions: z
    .int(`must be a whole number from 1 to ${MAX_PARTITIONS}`)
    .min(1, `must be a whole number from 1 to ${MAX_PARTITIONS}`)
    .max(MAX_PARTITIONS, `must be a whole number from 1 to ${MAX_PARTITIONS}`)
    .optional(),
});

export type SubscriptionInput = z.infer<typeof subscriptionInputSchema>;
