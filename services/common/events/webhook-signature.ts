import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { WEBHOOK_SECRET_PREFIX, webhookKey } from './webhook-key.js';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`.
 *
 * The HMAC is node:crypto's rather than the `standardwebhooks` package's: the package hashes in
 * pure JavaScript (fast-sha256), which was 6-7% of the relay's CPU in a profile (it signs every
 * delivery) and ~3% of each subscriber's (they verify every one). The scheme follows the package's
 * own code: same key decoding, signed content, tolerance and refusal reasons. The package stays
 * the reference that webhook-signature.unit.test.ts checks this module against, both ways.
 */
export { WEBHOOK_SECRET_PREFIX };

// The package's tolerance, both ways: older may be a replay, newer is a clock not to be trusted.
const TOLERANCE_SECONDS = 5 * 60;

/** A fresh secret in the spec's format: whsec_ + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

export function isWebhookSecret(value: string): boolean {
  if (!value.startsWith(WEBHOOK_SECRET_PREFIX)) return false;
  const key = Buffer.from(value.slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
  return key.length >= 24;
}

/**
 * A list of secrets as one variable holds it: separated by commas and/or whitespace (a `whsec_`
 * secret is base64, which has neither), so a single secret is a list of one. Empty entries are
 * dropped; whether each entry is a secret is the caller's check (isWebhookSecret).
 */
export function parseWebhookSecretList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** One secret, or several during a rotation: the relay signs with each, a receiver accepts any. */
export type WebhookSecrets = string | readonly string[];

const asList = (secrets: WebhookSecrets): readonly string[] =>
  typeof secrets === 'string' ? [secrets] : secrets;

export type SignatureHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/**
 * Base64 HMAC of `id.timestamp.body`. The body goes in as it is, not concatenated: no copy of a
 * large batch, and a Buffer is hashed as the bytes received rather than decoded and re-encoded.
 */
function signature(
  secret: string,
  messageId: string,
  timestampSeconds: number,
  body: Buffer | string,
): string {
  return createHmac('sha256', webhookKey(secret))
    .update(`${messageId}.${timestampSeconds}.`)
    .update(body)
    .digest('base64');
}

/**
 * Headers for one delivery. `messageId` must stay the same when the same message is retried. With
 * several secrets (a rotation's overlap) the header carries one signature per secret, separated by
 * spaces as the spec allows: a receiver holding any one of them accepts the delivery.
 */
export function signWebhook(
  secrets: WebhookSecrets,
  messageId: string,
  body: string,
  now: Date = new Date(),
): SignatureHeaders {
  const list = asList(secrets);
  if (list.length === 0) throw new Error('a webhook needs at least one secret to be signed with');
  const timestampSeconds = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': list
      .map((secret) => `v1,${signature(secret, messageId, timestampSeconds, body)}`)
      .join(' '),
  };
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

type TimestampCheck = { ok: true; seconds: number } | { ok: false; reason: string };

/**
 * Seconds since the epoch, within the tolerance. Digits only: the package's parseInt would also
 * take `1700000000abc` or `1.7e9`, which no signer sends.
 */
function checkTimestamp(header: string): TimestampCheck {
  if (!/^\d+$/.test(header)) return { ok: false, reason: 'Invalid Signature Headers' };
  const seconds = Number(header);
  const now = Math.floor(Date.now() / 1000);
  if (now - seconds > TOLERANCE_SECONDS) return { ok: false, reason: 'Message timestamp too old' };
  if (seconds > now + TOLERANCE_SECONDS) return { ok: false, reason: 'Message timestamp too new' };
  return { ok: true, seconds };
}

export type HeadersCheck =
  | { ok: true; messageId: string; timestampSeconds: number; signatures: string }
  | { ok: false; reason: string };

/**
 * What can be checked before the body is read: the three headers are there and the timestamp is
 * within the tolerance. A receiver refuses a request that fails this without reading its body.
 */
export function checkWebhookHeaders(headers: Record<string, string | string[] | undefined>): HeadersCheck {
  const pick = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const messageId = pick('webhook-id');
  const timestampHeader = pick('webhook-timestamp');
  const signatures = pick('webhook-signature');
  if (!messageId || !timestampHeader || !signatures) return { ok: false, reason: 'Missing required headers' };

  const timestamp = checkTimestamp(timestampHeader);
  if (!timestamp.ok) return timestamp;
  return { ok: true, messageId, timestampSeconds: timestamp.seconds, signatures };
}

/**
 * Checks the signature over the exact bytes received and that the timestamp is within the
 * package's tolerance (5 minutes). Any failure is a reason, never an exception. The reasons are
 * the package's messages, which the subscribers log. With several secrets (a rotation), any
 * signature of the header that any of them produces is enough.
 */
export function verifyWebhook(
  secrets: WebhookSecrets,
  rawBody: Buffer | string,
  headers: Record<string, string | string[] | undefined>,
): VerifyResult {
  const checked = checkWebhookHeaders(headers);
  if (!checked.ok) return checked;

  const given = checked.signatures.split(' ').flatMap((entry) => {
    const [version, candidate] = entry.split(',');
    return version === 'v1' && candidate !== undefined ? [Buffer.from(candidate)] : [];
  });
  for (const secret of asList(secrets)) {
    // Compared as base64 text, as the package does: another spelling of the same bytes is no match.
    const expected = Buffer.from(signature(secret, checked.messageId, checked.timestampSeconds, rawBody));
    // timingSafeEqual throws on unequal lengths; a length says nothing of an HMAC's bytes.
    if (
      given.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected))
    )
      return { ok: true };
  }
  return { ok: false, reason: 'No matching signature found' };
}
