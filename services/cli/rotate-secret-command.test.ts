import { describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { generateWebhookSecret } from '../common/events/webhook-signature.js';
import { useCliTestBed } from '../../test/support/run-cli.js';
import { formatTime } from './format.js';

const bed = useCliTestBed();
const cli = bed.cli;

const secrets = (name: string) =>
  bed.database.db
    .selectFrom('subscriptions')
    .select(['secret', 'previous_secret', 'previous_secret_until'])
    .where('name', '=', name)
    .executeTakeFirstOrThrow();

describe('outbox subscriptions rotate-secret', () => {
  it('prints a new secret once and keeps the previous one valid for the overlap (24h by default)', async () => {
    const original = generateWebhookSecret();
    await cli(
      'subscriptions',
      'add',
      'hooks',
      'http://127.0.0.1:9/events',
      '--events',
      'OrderPlaced',
      '--secret',
      original,
    );

    const rotated = await cli('subscriptions', 'rotate-secret', 'hooks');
    expect(rotated.code).toBe(0);
    const printed = /New signing secret \(shown once[^)]*\): (whsec_\S+)/.exec(rotated.stdout)?.[1];
    expect(printed).toBeDefined();
    const stored = await secrets('hooks');
    expect(stored.secret).toBe(printed);
    expect(stored.previous_secret).toBe(original);
    const hours = (stored.previous_secret_until!.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    expect(rotated.stdout).toContain('signed with the new and the previous secret until');

    // A given secret and an overlap of 0 (--force: the first overlap still runs): switched at once,
    // nothing printed of the secret
    const given = generateWebhookSecret();
    const now = await cli(
      'subscriptions',
      'rotate-secret',
      'hooks',
      '--secret',
      given,
      '--overlap',
      '0s',
      '--force',
    );
    expect(now.code).toBe(0);
    expect(now.stdout).not.toContain('whsec_');
    expect(now.stdout).toContain(
      `--force: ended the overlap of the earlier rotation, which was to run until ${formatTime(stored.previous_secret_until)}`,
    );
    expect(await secrets('hooks')).toEqual({
      secret: given,
      previous_secret: null,
      previous_secret_until: null,
    });
  });

  it('prints JSON with --json, for add and rotate-secret alike, with a generated secret and never a given one', async () => {
    const added = await cli(
      'subscriptions',
      'add',
      'jsonhooks',
      'http://u:pw@127.0.0.1:9/events',
      '--events',
      'OrderPlaced',
      '--json',
    );
    expect(added.code).toBe(0);
    const addedJson = JSON.parse(added.stdout) as Record<string, unknown>;
    expect(addedJson).toMatchObject({
      name: 'jsonhooks',
      outcome: 'added',
      endpointUrl: 'http://u:***@127.0.0.1:9/events',
      eventTypes: ['OrderPlaced'],
      partitions: 1,
    });
    expect(addedJson.secret).toBe((await secrets('jsonhooks')).secret);

    const rotated = await cli('subscriptions', 'rotate-secret', 'jsonhooks', '--json');
    const rotatedJson = JSON.parse(rotated.stdout) as {
      name: string;
      previousSecretValidUntil: string;
      endedOverlapUntil: string | null;
      secret: string;
    };
    expect(rotatedJson.name).toBe('jsonhooks');
    expect(rotatedJson.endedOverlapUntil).toBeNull();
    expect(rotatedJson.secret).toBe((await secrets('jsonhooks')).secret);
    expect(new Date(rotatedJson.previousSecretValidUntil).getTime()).toBe(
      (await secrets('jsonhooks')).previous_secret_until!.getTime(),
    );

    const given = await cli(
      'subscriptions',
      'rotate-secret',
      'jsonhooks',
      '--secret',
      generateWebhookSecret(),
      '--force',
      '--json',
    );
    const givenJson = JSON.parse(given.stdout) as Record<string, unknown>;
    expect(givenJson).not.toHaveProperty('secret');
    expect(givenJson.endedOverlapUntil).toBe(rotatedJson.previousSecretValidUntil);
  });

  it('refuses to rotate again during an overlap, changing nothing, unless --force, which ends it', async () => {
    const original = generateWebhookSecret();
    await cli(
      'subscriptions',
      'add',
      'overlapping',
      'http://127.0.0.1:9/events',
      '--events',
      'OrderPlaced',
      '--secret',
      original,
    );
    expect((await cli('subscriptions', 'rotate-secret', 'overlapping', '--overlap', '1h')).code).toBe(0);
    const during = await secrets('overlapping');
    const until = formatTime(during.previous_secret_until);

    // The console's rule: the secret before last may still be the subscriber's only one
    for (const overlap of ['24h', '0s']) {
      const refused = await cli('subscriptions', 'rotate-secret', 'overlapping', '--overlap', overlap);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(
        new RegExp(
          `^outbox: refused: "overlapping" still signs with its previous secret until ${until}; ` +
            '[^\\n]*--force rotates anyway\\n$',
        ),
      );
      expect(await secrets('overlapping')).toEqual(during);
    }

    const forced = await cli('subscriptions', 'rotate-secret', 'overlapping', '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(
      `--force: ended the overlap of the earlier rotation, which was to run until ${until}`,
    );
    const after = await secrets('overlapping');
    expect(after.previous_secret).toBe(during.secret);
    expect(after.secret).not.toBe(during.secret);
    expect(after.previous_secret_until!.getTime()).toBeGreaterThan(during.previous_secret_until!.getTime());

    const help = await cli('subscriptions', 'rotate-secret', '--help');
    // Commander wraps the help to 80 columns
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('refused (exit 1, nothing changed) unless --force');
  });

  it('rotates a default subscription whose variable lists two secrets: refused, then forced, the secret printed', async () => {
    // As a relay started with EMAIL_WEBHOOK_SECRET=new,old leaves it: the second valid while listed
    const [listed, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const added = await cli(
      'subscriptions',
      'add',
      'email',
      'http://127.0.0.1:9/events',
      '--events',
      'OrderPlaced',
      '--secret',
      listed,
    );
    expect(added.code).toBe(0);
    await bed.database.db
      .updateTable('subscriptions')
      .set({ previous_secret: previous, previous_secret_until: sql<Date>`'infinity'` })
      .where('name', '=', 'email')
      .execute();

    const refused = await cli('subscriptions', 'rotate-secret', 'email');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^outbox: refused: "email" still signs with its previous secret for as long as its secret variable lists two secrets; [^\n]*--force rotates anyway\n$/,
    );
    const forced = await cli('subscriptions', 'rotate-secret', 'email', '--force', '--json');
    expect(forced.code).toBe(0);
    const answer = JSON.parse(forced.stdout) as Record<string, unknown>;
    expect(answer).toMatchObject({
      endedOverlapUntil: 'while-listed',
      secretVariable: 'EMAIL_WEBHOOK_SECRET',
      secret: expect.stringMatching(/^whsec_/),
    });
    expect((await secrets('email')).secret).toBe(answer.secret);
    const text = await cli('subscriptions', 'rotate-secret', 'email', '--force', '--overlap', '0s');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('New signing secret (shown once');
  });

  it('refuses a NATS subscription, an unknown one, a bad secret or overlap, and the same secret, changing nothing', async () => {
    const secret = generateWebhookSecret();
    await cli(
      'subscriptions',
      'add',
      'stream',
      'nats://127.0.0.1:4222/orders?stream=ORDERS',
      '--events',
      'OrderPlaced',
    );
    await cli(
      'subscriptions',
      'add',
      'same',
      'http://127.0.0.1:9/events',
      '--events',
      'OrderPlaced',
      '--secret',
      secret,
    );
    const before = await bed.database.db.selectFrom('subscriptions').selectAll().orderBy('name').execute();

    const nats = await cli('subscriptions', 'rotate-secret', 'stream');
    expect(nats.code).toBe(1);
    expect(nats.stderr).toContain('delivers to NATS, which signs nothing');
    const unknown = await cli('subscriptions', 'rotate-secret', 'nobody');
    expect(unknown.stderr).toContain('no subscription "nobody"');
    const badSecret = await cli('subscriptions', 'rotate-secret', 'same', '--secret', 'hunter2');
    expect(badSecret.stderr).toContain('--secret must be a Standard Webhooks secret');
    const badOverlap = await cli('subscriptions', 'rotate-secret', 'same', '--overlap', 'a day');
    expect(badOverlap.stderr).toContain('--overlap must be a duration');
    const repeat = await cli('subscriptions', 'rotate-secret', 'same', '--secret', secret);
    expect(repeat.stderr).toContain('is already the secret of "same"');
    for (const run of [nats, unknown, badSecret, badOverlap, repeat]) expect(run.code).toBe(1);

    expect(await bed.database.db.selectFrom('subscriptions').selectAll().orderBy('name').execute()).toEqual(
      before,
    );
  });
});
