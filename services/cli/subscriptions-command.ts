import { Command, Option } from 'commander';
import { ORDER_EVENT_TYPES } from '../common/events/order-events.js';
import { findDefaultSubscriber } from '../common/events/default-subscribers.js';
import { generateWebhookSecret, isWebhookSecret } from '../common/events/webhook-signature.js';
import { formatDuration, parseDuration } from '../common/duration.js';
import { createSubscription, NoSuchSourceSubscription } from '../relay/subscriptions/create-subscription.js';
import { deleteSubscription } from '../relay/subscriptions/delete-subscription.js';
import { findSubscriptionSettings } from '../relay/subscriptions/find-subscription-settings.js';
import { subscriptionDifferences } from '../relay/subscriptions/subscription-differences.js';
import { listSubscriptions } from '../relay/subscriptions/list-subscriptions.js';
import { overlapEndJson, overlapEndText, rotateSecret } from '../relay/subscriptions/rotate-secret.js';
import { setSubscriptionEnabled } from '../relay/subscriptions/set-subscription-enabled.js';
import { updateSubscription, type SubscriptionChanges } from '../relay/subscriptions/update-subscription.js';
import {
  DEFAULT_DEDUPE_WINDOW,
  subscriptionInputSchema,
  type StartFrom,
} from '../relay/subscriptions/subscription.js';
import { isNatsUrl } from '../common/nats/nats-endpoint.js';
import { redactUrl } from '../common/redact-url.js';
import { notifyRelay } from '../relay/wake/notify-relay.js';
import { MAX_PARTITIONS } from '../relay/streams/partition.js';
import { createTable, formatTime, plural, truncate } from './format.js';
import { parsePartitionsOption } from './partition-option.js';
import { withDatabase } from './with-database.js';

type AddOptions = {
  events: string;
  secret?: string;
  from: string;
  dedupeWindow: string;
  partitions: string;
  json?: boolean;
};

/**
 * Why a subscription's partition count never changes, and what to do instead (see
 * docs/decisions/partition-count-fixed.md): its events would move between partitions behind or
 * ahead of their checkpoints.
 */
function partitionCountFixed(name: string, current: number, wanted: number): Error {
  return new Error(
    `refused: "${name}" has ${plural(current, 'partition')} and a subscription's partition count ` +
      `never changes (its events would move between partitions, past or behind their checkpoints). ` +
      `Instead: outbox subscriptions disable ${name}; add a new subscription to the same endpoint with ` +
      `the same secret, --partitions ${wanted} --from checkpoint-of:${name}; once it has no backlog ` +
      `(outbox status), remove "${name}". The new one starts where "${name}" is furthest behind, so it ` +
      'skips nothing; what it repeats the subscriber drops by event id. ' +
      'See "Changing a partition count" in docs/operations.md.',
  );
}
function startDescription(from: StartFrom): string {
  if (from === 'now') return 'now';
  if (from === 'beginning') return 'the beginning';
  return `the lowest checkpoint of "${from.checkpointOf}"`;
}

function addCommand(): Command {
  return new Command('add')
    .description('add a subscription; prints the generated signing secret when --secret is not given')
    .argument('<name>', 'lowercase letters, digits, - and _')
    .argument(
      '<url>',
      'the endpoint the relay POSTs batches to (http or https), or the JetStream stream it publishes ' +
        'to (nats://[user:pass@]host:4222/<subject prefix>?stream=...; see operations.md)',
    )
    .requiredOption('--events <types>', `comma-separated event types (${ORDER_EVENT_TYPES.join(', ')})`)
    .option('--secret <whsec>', 'the Standard Webhooks signing secret (whsec_...); generated when omitted')
    .addOption(
      new Option(
        '--from <where>',
        'beginning: every retained event; now: only those committed from now; ' +
          "checkpoint-of:<subscription>: that subscription's lowest checkpoint (to take over from it, " +
          'as when changing a partition count)',
      ).default('beginning'),
    )
    .option(
      '--dedupe-window <duration>',
      'how long the subscriber remembers the event ids it processed (its inbox retention): older ' +
        'events are resent by rewind and replay only with --force (30m, 24h, 7d, ...)',
      DEFAULT_DEDUPE_WINDOW,
    )
    .option(
      '--partitions <n>',
      `ordered streams to deliver it by, 1 to ${MAX_PARTITIONS}: each order's events stay in one, in ` +
        'order; up to n batches are in flight at once, so the subscriber must take concurrent ' +
        'batches. Fixed once created',
      '1',
    )
    .option('--json', 'print JSON: the outcome (added or unchanged), the settings, the secret if generated')
    .action(async (name: string, url: string, options: AddOptions) => {
      const parsed = subscriptionInputSchema.safeParse({
        name,
        endpointUrl: url,
        eventTypes: options.events
          .split(',')
          .map((type) => type.trim())
          .filter(Boolean),
        secret: options.secret ?? generateWebhookSecret(),
        from: options.from,
        dedupeWindowMs: options.dedupeWindow,
        partitions: /^\d+$/.test(options.partitions.trim()) ? Number(options.partitions) : Number.NaN,
      });
      if (!parsed.success) {
        const labels: Record<string, string> = {
          endpointUrl: 'url',
          eventTypes: '--events',
          secret: '--secret',
          dedupeWindowMs: '--dedupe-window',
          partitions: '--partitions',
          from: '--from',
        };
        const problems = parsed.error.issues.map((issue) => {
          const field = String(issue.path[0] ?? '');
          return `${labels[field] ?? field}: ${issue.message}`;
        });
        throw new Error(`invalid subscription:\n  ${problems.join('\n  ')}`);
      }
      const input = parsed.data;
      const result = await withDatabase(async (db) => {
        const created = await db
          .transaction()
          .execute((trx) => createSubscription(trx, input))
          .catch((error: unknown) => {
            if (error instanceof NoSuchSourceSubscription)
              throw new Error(`--from: ${error.message} (outbox subscriptions list shows them)`);
            throw error;
          });
        if (created.ok) {
          await notifyRelay(db);
          return 'added';
        }
        const existing = await findSubscriptionSettings(db, input.name);
        if (!existing) throw new Error(`subscription "${name}" already exists`);
        if (existing.partitions !== (input.partitions ?? 1))
          throw partitionCountFixed(input.name, existing.partitions, input.partitions ?? 1);
        const differences = subscriptionDifferences(existing, input, options.secret !== undefined);
        if (differences.length > 0)
          throw new Error(
            `subscription "${name}" already exists with another ${differences.join(', ')} ` +
              '(outbox subscriptions list shows it; remove it first to add it anew)',
          );
        return 'unchanged';
      });
      if (options.json) {
        // The secret only when generated here: one passed with --secret the caller has already.
        const generated = !options.secret && !isNatsUrl(input.endpointUrl);
        console.log(
          JSON.stringify({
            name: input.name,
            outcome: result,
            endpointUrl: redactUrl(input.endpointUrl),
            eventTypes: input.eventTypes,
            partitions: input.partitions ?? 1,
            ...(result === 'added' && generated ? { secret: input.secret } : {}),
          }),
        );
        return;
      }
      // A repeat of the same add succeeds, so deployment scripts may run it on every start.
      if (result === 'unchanged') {
        console.log(`Subscription "${input.name}" already exists with these settings; nothing changed.`);
        return;
      }
      console.log(
        `Added subscription "${input.name}" -> ${redactUrl(input.endpointUrl)} (${input.eventTypes.join(', ')}), ` +
          `from ${startDescription(input.from)}, ` +
          `dedupe window ${options.dedupeWindow.trim()}, ${plural(input.partitions ?? 1, 'partition')}.`,
      );
      // A NATS subscription is not signed (NATS authenticates the relay by the URL's credentials):
      // its generated secret is stored like any other (the column requires one) and never used.
      if (isNatsUrl(input.endpointUrl))
        console.log(
          'No signing secret needed: NATS authenticates the relay with the credentials in the URL.',
        );
      else if (!options.secret)
        console.log(`Signing secret (shown once; configure the subscriber with it): ${input.secret}`);
    });
}

function listCommand(): Command {
  return new Command('list')
    .description('list subscriptions')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      // A NATS URL may hold a password: never printed.
      const subscriptions = (await withDatabase((db) => listSubscriptions(db))).map((s) => ({
        ...s,
        endpointUrl: redactUrl(s.endpointUrl),
      }));
      if (options.json) {
        console.log(JSON.stringify(subscriptions, null, 2));
        return;
      }
      const table = createTable([
        'name',
        'enabled',
        'endpoint',
        'events',
        'dedupe window',
        'partitions',
        'created',
      ]);
      for (const s of subscriptions)
        table.push([
          s.name,
          s.enabled ? 'yes' : `no (${truncate(s.disabledReason ?? 'by an operator', 40)})`,
          s.endpointUrl,
          s.eventTypes.join(', '),
          formatDuration(s.dedupeWindowMs),
          s.partitions,
          formatTime(s.createdAt),
        ]);
      console.log(subscriptions.length ? table.toString() : 'No subscriptions.');
    });
}

function toggleCommand(verb: 'enable' | 'disable'): Command {
  return new Command(verb)
    .description(
      verb === 'enable'
        ? 'enable a subscription (its stream resumes at its checkpoint)'
        : 'disable a subscription (its stream pauses at its checkpoint)',
    )
    .argument('<name>')
    .action(async (name: string) => {
      const found = await withDatabase(async (db) => {
        const updated = await setSubscriptionEnabled(db, name, verb === 'enable', 'disabled by an operator');
        if (updated) await notifyRelay(db);
        return updated;
      });
      if (!found) throw new Error(`no subscription "${name}"`);
      console.log(`Subscription "${name}" ${verb}d.`);
    });
}

type UpdateOptions = { partitions?: string; url?: string; events?: string };

/**
 * Changes a live subscription's endpoint and/or event types in place (its streams keep their
 * checkpoints), validated as `add` validates them. A partition count cannot change: asked for
 * another, this refuses before changing anything and says what to do instead.
 */
function updateCommand(): Command {
  return new Command('update')
    .description(
      "change a subscription's endpoint URL and/or event types in place (its streams keep their " +
        'checkpoints; the relay delivers by the new settings from its next batch); its partition ' +
        'count cannot change: asked for another, this says what to do instead',
    )
    .argument('<name>')
    .option('--url <url>', 'the new endpoint (http, https or nats://, as for add)')
    .option('--events <types>', `the new comma-separated event types (${ORDER_EVENT_TYPES.join(', ')})`)
    .option('--partitions <n>', 'the partition count wanted (refused unless it is the current one)')
    .action(async (name: string, options: UpdateOptions) => {
      if (options.url === undefined && options.events === undefined && options.partitions === undefined)
        throw new Error('nothing to change: give --url, --events or both');
      const wanted = options.partitions === undefined ? undefined : parsePartitionsOption(options.partitions);
      const changes = parseSubscriptionChanges(options);
      const result = await withDatabase(async (db) => {
        const existing = await findSubscriptionSettings(db, name);
        if (!existing) throw new Error(`no subscription "${name}"`);
        if (wanted !== undefined && existing.partitions !== wanted)
          throw partitionCountFixed(name, existing.partitions, wanted);
        if (changes.endpointUrl === undefined && changes.eventTypes === undefined)
          return { existing, changed: false };
        // A NATS subscription's stored secret was never shown to anyone: a webhook signed with it
        // would be refused by every subscriber.
        if (
          changes.endpointUrl !== undefined &&
          isNatsUrl(existing.endpointUrl) &&
          !isNatsUrl(changes.endpointUrl)
        )
          throw new Error(
            `refused: "${name}" delivers to NATS, which signs nothing, so it has no secret a subscriber ` +
              'knows. For a webhook, add a new subscription (it prints its secret) with ' +
              `--from checkpoint-of:${name} after disabling "${name}", then remove "${name}"`,
          );
        const updated = await updateSubscription(db, name, changes);
        if (!updated.ok) throw new Error(`no subscription "${name}"`);
        if (updated.changed) await notifyRelay(db);
        return { existing, changed: updated.changed };
      });
      if (!result.changed) {
        console.log(
          changes.endpointUrl === undefined && changes.eventTypes === undefined
            ? `Subscription "${name}" has ${plural(wanted!, 'partition')} already; nothing to change.`
            : `Subscription "${name}" has these settings already; nothing changed.`,
        );
        return;
      }
      const url = changes.endpointUrl ?? result.existing.endpointUrl;
      const types = changes.eventTypes ?? result.existing.eventTypes;
      console.log(
        `Updated subscription "${name}" -> ${redactUrl(url)} (${types.join(', ')}); its streams keep ` +
          'their checkpoints and the relay delivers by these settings from its next batch.',
      );
    });
}

/** --url and --events checked as `add` checks them; a bad value is an error naming the option. */
function parseSubscriptionChanges(options: UpdateOptions): SubscriptionChanges {
  const problems: string[] = [];
  const changes: SubscriptionChanges = {};
  if (options.url !== undefined) {
    const url = subscriptionInputSchema.shape.endpointUrl.safeParse(options.url);
    if (url.success) changes.endpointUrl = url.data;
    else problems.push(...url.error.issues.map((issue) => `--url: ${issue.message}`));
  }
  if (options.events !== undefined) {
    const types = subscriptionInputSchema.shape.eventTypes.safeParse(
      options.events
        .split(',')
        .map((type) => type.trim())
        .filter(Boolean),
    );
    if (types.success) changes.eventTypes = types.data;
    else problems.push(...types.error.issues.map((issue) => `--events: ${issue.message}`));
  }
  if (problems.length > 0) throw new Error(`invalid update:\n  ${problems.join('\n  ')}`);
  return changes;
}

type RotateOptions = { overlap: string; secret?: string; force?: boolean; json?: boolean };

/** How long the previous secret stays valid when --overlap is not given. */
const DEFAULT_OVERLAP = '24h';

/**
 * A new signing secret while the old one stays valid for the overlap: the relay signs with both,
 * so the subscriber can be moved to the new secret at any time within it without a refused
 * delivery (docs/operations.md, "Rotating a webhook secret"). During an earlier rotation's overlap
 * it refuses, as the console does, unless --force: rotating again drops the secret before last,
 * which the subscriber may still be using.
 */
function rotateSecretCommand(): Command {
  return new Command('rotate-secret')
    .description(
      'give a webhook subscription a new signing secret; the relay signs with both the new and the ' +
        'previous one for the overlap, then with the new one only. Prints the new secret unless given. ' +
        "While an earlier rotation's overlap runs, refused (exit 1, nothing changed) unless --force",
    )
    .argument('<name>')
    .option(
      '--overlap <duration>',
      'how long the previous secret stays valid (0s: not at all)',
      DEFAULT_OVERLAP,
    )
    .option('--secret <whsec>', 'the new secret (whsec_...); generated when omitted')
    .option(
      '--force',
      "rotate even while an earlier rotation's overlap runs: that overlap ends, so the relay stops " +
        'signing with the secret before last and a subscriber still on it alone refuses the deliveries',
    )
    .option(
      '--json',
      'print JSON: the name, until when the previous secret is valid, until when the overlap that ' +
        '--force ended would have run (an ISO time, or "while-listed" for a secret variable listing ' +
        "two), a default subscription's secret variable, the new secret if generated",
    )
    .action(async (name: string, options: RotateOptions) => {
      const overlapMs = parseDuration(options.overlap);
      if (overlapMs === undefined)
        throw new Error(`--overlap must be a duration such as 30m, 24h or 7d, got "${options.overlap}"`);
      if (options.secret !== undefined && !isWebhookSecret(options.secret))
        throw new Error('--secret must be a Standard Webhooks secret: whsec_ + base64 of 24+ bytes');
      const secret = options.secret ?? generateWebhookSecret();
      const result = await withDatabase((db) =>
        rotateSecret(db, name, secret, overlapMs, { endRunningOverlap: options.force === true }),
      );
      if (!result.ok) {
        if (result.reason === 'not-found') throw new Error(`no subscription "${name}"`);
        if (result.reason === 'nats')
          throw new Error(
            `refused: "${name}" delivers to NATS, which signs nothing (NATS authenticates the relay by ` +
              "the credentials in the URL): there is no secret to rotate; change the URL's " +
              'credentials with outbox subscriptions update --url instead',
          );
        if (result.reason === 'changed')
          throw new Error(`the secret of "${name}" changed meanwhile; run the rotation again`);
        if (result.reason === 'overlap-running')
          throw new Error(
            `refused: "${name}" still signs with its previous secret ${overlapEndText(result.until, formatTime)}; ` +
              'rotating again drops the secret before last, which the subscriber may still use (its ' +
              'deliveries would be refused). Nothing changed; --force rotates anyway',
          );
        throw new Error(`refused: --secret is already the secret of "${name}"`);
      }
      const subscriber = findDefaultSubscriber(name);
      if (options.json) {
        console.log(
          JSON.stringify({
            name,
            previousSecretValidUntil: result.previousValidUntil?.toISOString() ?? null,
            endedOverlapUntil: overlapEndJson(result.endedOverlap),
            secretVariable: subscriber?.secretVariable ?? null,
            ...(options.secret ? {} : { secret }),
          }),
        );
        return;
      }
      console.log(
        result.previousValidUntil
          ? `Rotated the secret of "${name}": deliveries are signed with the new and the previous ` +
              `secret until ${formatTime(result.previousValidUntil)}, then with the new one only. ` +
              "Move the subscriber to the new secret before then (its variable may list both: 'new,old')."
          : `Rotated the secret of "${name}": deliveries are signed with the new secret only, from now.`,
      );
      if (result.endedOverlap)
        console.log(
          `--force: ended the overlap of the earlier rotation, which was to run ` +
            `${overlapEndText(result.endedOverlap, formatTime)}: the relay no longer signs with the secret ` +
            'before last, so a subscriber that knows only that one refuses the deliveries.',
        );
      if (subscriber)
        console.log(
          `Note: a relay started with ${subscriber.secretVariable} set makes that variable's first ` +
            'secret the signing one again: set the variable to the new secret first (see docs/operations.md).',
        );
      if (!options.secret)
        console.log(`New signing secret (shown once; configure the subscriber with it): ${secret}`);
    });
}

function removeCommand(): Command {
  return new Command('remove')
    .description('remove a subscription with its stream and dead letters')
    .argument('<name>')
    .action(async (name: string) => {
      const found = await withDatabase((db) => deleteSubscription(db, name));
      if (!found) throw new Error(`no subscription "${name}"`);
      console.log(`Subscription "${name}" removed.`);
    });
}

export function subscriptionsCommand(): Command {
  return new Command('subscriptions')
    .description('manage the subscriptions the relay delivers to')
    .addCommand(addCommand())
    .addCommand(listCommand())
    .addCommand(toggleCommand('disable'))
    .addCommand(toggleCommand('enable'))
    .addCommand(updateCommand())
    .addCommand(rotateSecretCommand())
    .addCommand(removeCommand());
}
