import { z } from 'zod';
import { authConfigShape, toAuthConfig, type AuthConfig } from '../../common/auth/auth-config.js';
import {
  commonConfigShape,
  envTypes,
  parseConfig,
  toCommonConfig,
  type CommonConfig,
} from '../../common/config.js';
import { findDefaultSubscriber } from '../../common/events/default-subscribers.js';
import { isWebhookSecret, parseWebhookSecretList } from '../../common/events/webhook-signature.js';
import { eventSourceType, eventSourceVariable, type EventSource } from '../nats/event-source.js';
import type { SubscriberName } from './subscriber.js';

type Env = Record<string, string | undefined>;

export type SubscriberConfig = CommonConfig & {
  port: number;
  /** `<NAME>_WEBHOOK_SECRET`: the secrets a delivery may be signed with (several during a rotation). */
  webhookSecrets: string[];
  /** `<NAME>_DATABASE_URL`, else DATABASE_URL; unset means the shared embedded server. */
  databaseUrl: string | undefined;
  inboxRetentionMs: number;
  inboxPurgeSchedule: string;
  eventsBodyLimit: string;
  /** Who may call the service's own routes (POST /events is signed instead). */
  auth: AuthConfig;
  /** `<NAME>_EVENT_SOURCE`: http only, or also consuming from NATS JetStream. */
  eventSource: EventSource;
  /** JetStream's ack wait for the partition consumers; the partition lease is timed from it. */
  natsAckWaitMs: number;
  /** Most messages one pull applies in one transaction (and the consumers' max_ack_pending). */
  natsBatchSize: number;
};

/**
 * Required, with no default: a deployment must never run on a secret everybody knows. One secret,
 * or several separated by commas or spaces while a rotation lasts: a delivery signed with any of
 * them is accepted (the relay signs with both the new and the old one during the overlap).
 */
export const webhookSecretType = () =>
  z
    .string({ error: 'is required: the Standard Webhooks secret shared with the relay (whsec_...)' })
    .transform(parseWebhookSecretList)
    .refine(
      (secrets) => secrets.length > 0,
      'is required: the Standard Webhooks secret shared with the relay (whsec_...)',
    )
    .refine(
      (secrets) => secrets.every(isWebhookSecret),
      'must be whsec_ followed by the base64 of at least 24 random bytes (several: separated by commas)',
    );

/**
 * A subscriber's configuration: the common variables plus its port, its signing secret and its
 * database (all named after it, as DEFAULT_SUBSCRIBERS says), the inbox retention, the AUTH_*
 * variables of the tokens its own routes take, and `extra` variables of its own.
 */
export function loadSubscriberConfig<Extra extends z.ZodRawShape>(
  name: SubscriberName,
  env: Env,
  extra: Extra,
): SubscriberConfig & { extra: z.infer<z.ZodObject<Extra>> } {
  const subscriber = findDefaultSubscriber(name);
  if (!subscriber) throw new Error(`${name} is not a default subscriber`);
  const databaseVariable = `${name.toUpperCase()}_DATABASE_URL`;
  const own: z.ZodRawShape = {
    [subscriber.portVariable]: envTypes.port(subscriber.defaultPort),
    [subscriber.secretVariable]: webhookSecretType(),
    [databaseVariable]: envTypes.postgresUrl().optional(),
    INBOX_RETENTION: envTypes.duration('7d'),
    INBOX_PURGE_SCHEDULE: envTypes.cronSchedule('17 * * * *'),
    SUBSCRIBER_BODY_LIMIT: envTypes.byteSize('4mb'),
    [eventSourceVariable(name)]: eventSourceType(),
    SUBSCRIBER_NATS_ACK_WAIT: envTypes.duration('10s').refine((ms) => ms >= 1_000, 'must be at least 1s'),
    SUBSCRIBER_NATS_BATCH_SIZE: envTypes
      .positiveInt(100)
      .refine((size) => size <= 10_000, 'must be at most 10000'),
  };
  const vars = parseConfig({ ...commonConfigShape, ...authConfigShape, ...own, ...extra }, env);
  const read = vars as Record<string, unknown>;
  const common = toCommonConfig(vars as z.infer<z.ZodObject<typeof commonConfigShape>>);
  return {
    ...common,
    databaseUrl: (read[databaseVariable] as string | undefined) ?? common.databaseUrl,
    port: read[subscriber.portVariable] as number,
    webhookSecrets: read[subscriber.secretVariable] as string[],
    inboxRetentionMs: read.INBOX_RETENTION as number,
    inboxPurgeSchedule: read.INBOX_PURGE_SCHEDULE as string,
    eventsBodyLimit: read.SUBSCRIBER_BODY_LIMIT as string,
    auth: toAuthConfig(vars as z.infer<z.ZodObject<typeof authConfigShape>>),
    eventSource: read[eventSourceVariable(name)] as EventSource,
    natsAckWaitMs: read.SUBSCRIBER_NATS_ACK_WAIT as number,
    natsBatchSize: read.SUBSCRIBER_NATS_BATCH_SIZE as number,
    extra: vars as z.infer<z.ZodObject<Extra>>,
  };
}
