import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`, with the maintained
 * `standardwebhooks` package on both ends.
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A fresh secret in the spec's format: whsec_ + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

export function isWebhookSecret(value: string): boolean {
  if (!value.startsWith(WEBHOOK_SECRET_PREFIX)) return false;
  const key = Buffer.from(value.slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
  return key.length >= 24;
}

export type SignatureHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** Headers for one delivery. `messageId` must stay the same when the same message is retried. */
export function signWebhook(
  secret: string,
  messageId: string,
  body: string,
  now: Date = new Date(),
): SignatureHeaders {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, now, body),
  };
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/**
 * Checks the signature over the exact bytes received and that the timestamp is within the
 * package's tolerance (5 minutes). Any failure is a reason, never an exception.
 */
export function verifyWebhook(
  secret: string,
  rawBody: Buffer | string,
  headers: Record<string, string | string[] | undefined>,
): VerifyResult {
  const pick = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const wanted = {
    'webhook-id': pick('webhook-id') ?? '',
    'webhook-timestamp': pick('webhook-timestamp') ?? '',
    'webhook-signature': pick('webhook-signature') ?? '',
  };
  try {
    // The package would JSON.parse the body too: a second parse of what express already parsed,
    // and a signed body that is not JSON would throw instead of being verified.
    new Webhook(secret).verify(rawBody, wanted, { jsonParse: false });
    return { ok: true };
  } catch (error) {
    if (error instanceof WebhookVerificationError) return { ok: false, reason: error.message };
    throw error;
  }
}
