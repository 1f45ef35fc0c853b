import { Command, Option } from 'commander';
import { ORDER_EVENT_TYPES } from '../common/events/order-events.js';
import { generateWebhookSecret } from '../common/events/webhook-signature.js';
import { formatDuration } from '../common/duration.js';
import { createSubscription, NoSuchSourceSubscription } from '../relay/subscriptions/create-subscription.js';
import { deleteSubscription } from '../relay/subscriptions/delete-subscription.js';
import { findSubscriptionSettings } from '../relay/subscriptions/find-subscription-settings.js';
import { subscriptionDifferences } from '../relay/subscriptions/subscription-differences.js';
import { listSubscriptions } from '../relay/subscriptions/list-subscriptions.js';
import { setSubscriptionEnabled } from '../relay/subscriptions/set-subscription-enabled.js';
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

/**
 * Nothing of a subscription can be updated in place yet but this one question, whose answer is
 * no: the command exists so that an operator who looks for it finds what to do instead.
 */
function updateCommand(): Command {
  return new Command('update')
    .description(
      'change a subscription; its partition count cannot change: this says so and what to do instead',
    )
    .argument('<name>')
    .requiredOption('--partitions <n>', 'the partition count wanted')
    .action(async (name: string, options: { partitions: string }) => {
      const wanted = parsePartitionsOption(options.partitions);
      const existing = await withDatabase(async (db) =>
        (await listSubscriptions(db)).find((s) => s.name === name),
      );
      if (!existing) throw new Error(`no subscription "${name}"`);
      if (existing.partitions !== wanted) throw partitionCountFixed(name, existing.partitions, wanted);
      console.log(`Subscription "${name}" has ${plural(wanted, 'partition')} already; nothing to change.`);
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
    .addCommand(removeCommand());
}
