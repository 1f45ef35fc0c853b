import { sql, type Kysely } from 'kysely';
import { ConfigError } from '../../common/config.js';
import type { DB } from '../../common/db/database.js';
import { DEFAULT_SUBSCRIBERS, defaultEventsUrl } from '../../common/events/default-subscribers.js';
import { isWebhookSecret, parseWebhookSecretList } from '../../common/events/webhook-signature.js';
import { parseDuration } from '../../common/duration.js';
import { createSubscription } from './create-subscription.js';
import { syncVariableSecrets } from './sync-variable-secrets.js';

type Env = Record<string, string | undefined>;

/**
 * The four default subscriptions, created on first start (stream from the beginning). Their secret
 * comes from the subscriber's variable, which the subscriber reads too; there is no built-in one,
 * so a missing default whose variable is unset stops the relay, naming the variable. An existing
 * subscription keeps its endpoint and event types (an operator may have changed them); only its
 * secrets follow the variable when set, as both ends read that variable: it may list two during a
 * rotation (sync-variable-secrets.ts says how they map to the stored ones). Likewise the dedupe
 * window follows INBOX_RETENTION when set: the subscribers keep their inbox that long.
 */
export async function ensureDefaultSubscriptions(db: Kysely<DB>, env: Env): Promise<string[]> {
  const existing = new Set(
    (await db.selectFrom('subscriptions').select('name').execute()).map((row) => row.name),
  );
  const problems: string[] = [];
  const inboxRetention = env.INBOX_RETENTION || undefined;
  const dedupeWindowMs = inboxRetention === undefined ? undefined : parseDuration(inboxRetention);
  if (inboxRetention !== undefined && dedupeWindowMs === undefined)
    problems.push('INBOX_RETENTION: must be a duration such as 30m, 24h or 7d');
  const listed = new Map<string, string[]>();
  for (const subscriber of DEFAULT_SUBSCRIBERS) {
    const secrets = parseWebhookSecretList(env[subscriber.secretVariable] ?? '');
    listed.set(subscriber.name, secrets);
    if (!secrets.every(isWebhookSecret))
      problems.push(`${subscriber.secretVariable}: must be a Standard Webhooks secret (whsec_ + base64)`);
    else if (secrets.length > 2)
      problems.push(
        `${subscriber.secretVariable}: the relay signs with at most two secrets (the new one, then the ` +
          'one being retired)',
      );
    else if (secrets.length === 0 && !existing.has(subscriber.name))
      problems.push(
        `${subscriber.secretVariable}: required to create the default "${subscriber.name}" subscription ` +
          `(or set RELAY_DEFAULT_SUBSCRIPTIONS=false)`,
      );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const created: string[] = [];
  for (const subscriber of DEFAULT_SUBSCRIBERS) {
    const secrets = listed.get(subscriber.name)!;
    if (existing.has(subscriber.name)) {
      await syncVariableSecrets(db, subscriber.name, secrets);
      if (dedupeWindowMs !== undefined)
        await db
          .updateTable('subscriptions')
          .set({ dedupe_window_ms: dedupeWindowMs, updated_at: sql`now()` })
          .where('name', '=', subscriber.name)
          .where('dedupe_window_ms', '<>', String(dedupeWindowMs))
          .execute();
      continue;
    }
    const result = await db.transaction().execute((trx) =>
      createSubscription(trx, {
        name: subscriber.name,
        endpointUrl: defaultEventsUrl(subscriber, env),
        eventTypes: subscriber.eventTypes,
        secret: secrets[0]!,
        from: 'beginning',
        dedupeWindowMs,
      }),
    );
    await syncVariableSecrets(db, subscriber.name, secrets);
    if (result.ok) created.push(subscriber.name);
  }
  return created;
}
