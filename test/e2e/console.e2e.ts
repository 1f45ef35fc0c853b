import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { waitFor } from '../support/wait-for.js';
import { OrderClient } from './support/order-client.js';
import { IMPATIENT_RELAY } from './support/relay-tuning.js';
import { E2E, prepareCatalog } from './support/scenario.js';
import { emailsOf } from './support/subscriber-views.js';
import { startSystem, type RunningSystem } from './support/system.js';
import { itemsFor } from './support/workload.js';

const ADMIN_TOKEN = 'e2e-console-admin-token-0123456789abcdef';

let system: RunningSystem;
let browser: Browser;
let relayUrl: string;

beforeAll(async () => {
  // The email subscriber behind a proxy that can refuse (422) chosen orders, so that they park.
  // Retries are shortened (IMPATIENT_RELAY) only so that parking takes seconds: what is tested here
  // is the console, not the failure policy (relay-outages and poison-event test that on defaults).
  system = await startSystem({
    name: 'console',
    env: { ...IMPATIENT_RELAY, RELAY_ADMIN_TOKEN: ADMIN_TOKEN },
    faults: { email: { failureRate: 0 } },
  });
  await prepareCatalog(system);
  relayUrl = system.service('relay').url;
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

async function eventIdOf(orderId: string): Promise<string> {
  const client = new pg.Client({ connectionString: system.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ event_id: string }>(
      "select event_id from outbox where aggregate_id = $1 and event_type = 'OrderPlaced'",
      [orderId],
    );
    return rows[0]!.event_id;
  } finally {
    await client.end();
  }
}

/** The figure in the email row's backlog cell, as the page shows it now. */
async function emailBacklog(page: Page): Promise<number> {
  const text = await page.locator('#subscriptions tr[data-subscription="email"] td.backlog').textContent();
  return Number(text);
}

const until = (what: string, check: () => boolean | Promise<boolean>) => waitFor(what, check, E2E.timeoutMs);

async function confirm(page: Page, button: string): Promise<void> {
  await page.getByRole('dialog').getByRole('button', { name: button, exact: true }).click();
}

describe('the operator console, in a browser', () => {
  it('refuses a request without the token and asks the browser to sign in', async () => {
    const api = await fetch(`${relayUrl}/api/overview`);
    expect(api.status).toBe(401);
    const page = await browser.newPage();
    const response = await page.goto(relayUrl);
    expect(response?.status()).toBe(401);
    expect(await page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    await page.close();
  });

  it(
    'shows a backlog grow and drain live, and a dead letter appear, replayed and discarded from the page',
    async () => {
      const client = new OrderClient(system.service('order-api').url);
      const proxy = system.proxies.email!;
      const page = await browser.newPage();
      page.on('dialog', (dialog) => void dialog.dismiss());

      // Given an operator signed in with the token, on a laptop whose clock is two hours behind
      await page.addInitScript(() => {
        const realNow = Date.now.bind(Date);
        Date.now = () => realNow() - 2 * 3_600_000;
      });
      await page.goto(relayUrl);
      await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('#subscriptions tr[data-subscription="email"]').waitFor();
      // Marks this document: a reload would lose it, so it shows that everything after is live.
      await page.evaluate(() => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true));
      // Ages are the relay's: its heartbeat is seconds old, not two hours
      const heartbeat = page.locator('#instances tbody tr').first().locator('td').nth(2);
      await until('the heartbeat age shown', async () => /ago$/.test((await heartbeat.textContent()) ?? ''));
      expect(await heartbeat.textContent()).toMatch(/^[\d.]+ m?s ago$/);

      // When email is disabled from the page, by keyboard (focus survives the live refresh), and
      // orders are placed, its backlog grows on the page
      await page.getByRole('button', { name: 'Disable email' }).focus();
      const updated = await page.locator('#live-updated').textContent();
      await until(
        'a live refresh',
        async () => (await page.locator('#live-updated').textContent()) !== updated,
      );
      type Focus = { document: { activeElement: { getAttribute(name: string): string | null } | null } };
      const focused = () =>
        page.evaluate(() =>
          (globalThis as unknown as Focus).document.activeElement?.getAttribute('aria-label'),
        );
      expect(await focused()).toBe('Disable email');
      await page.keyboard.press('Enter');
      await confirm(page, 'Disable');
      await until(
        'email shown disabled',
        async () =>
          (await page.locator('#subscriptions tr[data-subscription="email"] td.state').textContent()) ===
          'disabled',
      );
      for (let i = 0; i < 4; i++) {
        const order = await client.create(`console-customer-${i}`, itemsFor(i));
        await client.place(order.id);
      }
      await until('a backlog of 4 on the page', async () => (await emailBacklog(page)) === 4);

      // And enabled again, it drains to 0
      await page.getByRole('button', { name: 'Enable email' }).click();
      await confirm(page, 'Enable');
      await until('the backlog drained on the page', async () => (await emailBacklog(page)) === 0);

      // When the subscriber refuses two orders, their dead letters appear in the list
      const poison = await client.create('console-poison', itemsFor(7));
      const doomed = await client.create('console-doomed', itemsFor(8));
      const bulk = await client.create('console-bulk', itemsFor(9));
      const liftPoison = proxy.refuseWhen((body) => body.includes(poison.id));
      proxy.refuseWhen((body) => body.includes(doomed.id));
      const liftBulk = proxy.refuseWhen((body) => body.includes(bulk.id), 400);
      await client.place(poison.id);
      await client.place(doomed.id);
      await client.place(bulk.id);
      const poisonEvent = await eventIdOf(poison.id);
      const doomedEvent = await eventIdOf(doomed.id);
      const rowOf = (orderId: string) =>
        page.locator('#dead-letter-list tbody tr').filter({ hasText: orderId });
      await until(
        'the three dead letters listed',
        async () =>
          (await rowOf(poison.id).count()) === 1 &&
          (await rowOf(doomed.id).count()) === 1 &&
          (await rowOf(bulk.id).count()) === 1,
      );

      // Filtered by subscription and event type, both are there; by another type, none
      await page.getByRole('combobox', { name: 'Subscription' }).selectOption('email');
      await page.getByRole('combobox', { name: 'Event type' }).selectOption('OrderShipped');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await until(
        'no OrderShipped dead letter',
        async () => (await page.locator('#dead-letter-list tbody tr').count()) === 0,
      );
      await page.getByRole('combobox', { name: 'Event type' }).selectOption('OrderPlaced');
      await page.getByRole('textbox', { name: 'Status code' }).fill('422');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await until(
        'two OrderPlaced 422 dead letters',
        async () => (await page.locator('#dead-letter-list tbody tr').count()) === 2,
      );

      // Its detail shows the payload and the last error
      await page.getByRole('button', { name: `Details of OrderPlaced ${poisonEvent} of email` }).click();
      const detail = page.getByRole('dialog', { name: 'Dead letter' });
      expect(await detail.locator('#detail-payload').textContent()).toContain(poison.id);
      expect(await detail.textContent()).toContain('422');
      await detail.getByRole('button', { name: 'Close' }).click();

      // When the subscriber is fixed and the letter replayed from the page, the subscriber receives it
      liftPoison();
      await page.getByRole('button', { name: `Replay OrderPlaced ${poisonEvent} of email` }).click();
      await confirm(page, 'Replay');
      await until('the replay reported', async () =>
        ((await page.locator('#report').textContent()) ?? '').includes('Replay requested for 1'),
      );
      await until('the replayed email sent', async () =>
        (await emailsOf(system.service('email').url, poison.id)).includes('placed'),
      );
      await until(
        'the replayed letter gone from the list',
        async () => (await rowOf(poison.id).count()) === 0,
      );

      // And a discard of what the filters still match removes the other one (never delivered, kept
      // for audit); the page counts the letters before asking. The API tests discard one letter.
      expect(
        await page.getByRole('button', { name: `Discard OrderPlaced ${doomedEvent} of email` }).count(),
      ).toBe(1);
      await page.getByRole('button', { name: 'Discard all matching' }).click();
      await confirm(page, 'Discard 1');
      await until(
        'the discarded letter gone from the list',
        async () => (await rowOf(doomed.id).count()) === 0,
      );
      expect(await page.locator('#report').textContent()).toContain('Discarded 1 dead letter');
      expect(await emailsOf(system.service('email').url, doomed.id)).toEqual([]);

      // The subscriber fixed for the letter it refused with 400, a replay of what the filters match
      // (status 400) delivers it: the page counts the parked letters before asking
      await page.getByRole('textbox', { name: 'Status code' }).fill('400');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await until(
        'one OrderPlaced 400 dead letter',
        async () =>
          (await page.locator('#dead-letter-list tbody tr').count()) === 1 &&
          (await rowOf(bulk.id).count()) === 1,
      );
      liftBulk();
      await page.getByRole('button', { name: 'Replay all matching' }).click();
      expect(await page.getByRole('dialog').textContent()).toContain('Replay 1 parked dead letter of email');
      await confirm(page, 'Replay all');
      await until('the bulk replay reported', async () =>
        ((await page.locator('#report').textContent()) ?? '').includes('Replay requested for 1'),
      );
      await until('the bulk-replayed email sent', async () =>
        (await emailsOf(system.service('email').url, bulk.id)).includes('placed'),
      );

      // Rotating the secret shows the new one once; after that the page holds no secret
      await page.getByRole('button', { name: 'Rotate the secret of email' }).click();
      await confirm(page, 'Rotate');
      const secretBox = page.getByLabel(/Secret \(shown once/);
      await until('the new secret shown', async () => (await secretBox.inputValue()).startsWith('whsec_'));
      const secret = await secretBox.inputValue();
      // Escape, however often, neither closes the dialog nor loses the secret
      for (let i = 0; i < 4; i++) await page.keyboard.press('Escape');
      expect(await page.locator('#secret').isVisible()).toBe(true);
      expect(await secretBox.inputValue()).toBe(secret);
      // email is a default subscription: the relay's next start would sign with its variable again
      expect(await page.locator('#secret-variable').textContent()).toContain('EMAIL_WEBHOOK_SECRET');
      await page.getByRole('button', { name: 'I have stored it' }).click();
      const html = await page.content();
      expect(html).not.toContain(secret);
      expect(html).not.toContain(system.env.EMAIL_WEBHOOK_SECRET!);

      // All of it without a reload
      expect(
        await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument),
      ).toBe(true);
      await page.close();
    },
    10 * 60_000,
  );
});
