/**
 * `npm run secrets`: prints fresh secrets as NAME=value lines, to append to .env for docker compose
 * (`npm run secrets >> .env`): one Standard Webhooks signing secret per default subscriber (the relay
 * signs with it, the subscriber verifies with it), a password for the compose PostgreSQL and the relay
 * admin port's token (its console and API answer only with it once the port is published). Nothing
 * is stored: the point is that no deployment runs on a secret that shipped with the code.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_SUBSCRIBERS } from '../services/common/events/default-subscribers.js';
import { generateWebhookSecret } from '../services/common/events/webhook-signature.js';

const lines = [
  ...DEFAULT_SUBSCRIBERS.map((subscriber) => `${subscriber.secretVariable}=${generateWebhookSecret()}`),
  // Hex, so it can sit in a postgres:// URL without escaping.
  `POSTGRES_PASSWORD=${randomBytes(24).toString('hex')}`,
  `RELAY_ADMIN_TOKEN=${randomBytes(32).toString('base64url')}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
