import { z } from 'zod';
import { ORDER_EVENT_TYPES } from '../../shared/events/order-events.js';
import { isWebhookSecret } from '../../shared/events/webhook-signature.js';

export type Subscription = {
  name: string;
  endpointUrl: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null;
  createdAt: Date;
};

/** Where a new subscription's stream starts: every retained event, or only those committed from now. */
export type StartFrom = 'beginning' | 'now';

export const subscriptionInputSchema = z.object({
  name: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9_-]{0,62}$/,
      'must be 1-63 lowercase letters, digits, "-" or "_", starting with a letter or digit',
    ),
  endpointUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
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
  from: z.enum(['beginning', 'now']),
});

export type SubscriptionInput = z.infer<typeof subscriptionInputSchema>;
