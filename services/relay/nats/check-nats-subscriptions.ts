import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { isNatsUrl } from '../../common/nats/nats-endpoint.js';
import { listSubscriptions } from '../subscriptions/list-subscriptions.js';
import type { NatsTransport } from './nats-transport.js';
import { redactUrl } from '../../common/redact-url.js';

/** The relay does not start: what is wrong is the operator's to fix, said without a stack trace. */
export class StartRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartRefusedError';
  }
}

export type NatsCheck = { ok: true; checked: string[] } | { ok: false; error: string };

/**
 * At start, every enabled NATS subscription's server must answer and its stream must exist or be
 * created, and suit the relay (stream-verdict.ts): a relay that starts anyway would only pile up
 * retries where an operator reads no message. The refusal names each subscription and its URL.
 */
export async function checkNatsSubscriptions(db: Kysely<DB>, nats: NatsTransport): Promise<NatsCheck> {
  const subscriptions = (await listSubscriptions(db)).filter(
    (subscription) => subscription.enabled && isNatsUrl(subscription.endpointUrl),
  );
  const results = await Promise.all(
    subscriptions.map(async (subscription) => ({
      subscription,
      prepared: await nats.prepare(subscription.name, subscription.endpointUrl),
    })),
  );
  const problems = results.flatMap(({ subscription, prepared }) =>
    prepared.ok
      ? []
      : [`subscription "${subscription.name}" (${redactUrl(subscription.endpointUrl)}): ${prepared.error}`],
  );
  if (problems.length > 0)
    return {
      ok: false,
      error: `the relay cannot deliver to NATS:\n  ${problems.join('\n  ')}\nFix the server or the stream, or disable the subscription (outbox subscriptions disable <name>).`,
    };
  return { ok: true, checked: subscriptions.map((subscription) => subscription.name) };
}
