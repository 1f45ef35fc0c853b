import { describe, expect, it } from '@jest/globals';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { randomWebhookInput, type WebhookInput } from '../../../test/support/random-webhook-inputs.js';
import { seededRandom } from '../../../test/support/seeded-random.js';
import {
  checkWebhookHeaders,
  generateWebhookSecret,
  isWebhookSecret,
  parseWebhookSecretList,
  signWebhook,
  verifyWebhook,
  type SignatureHeaders,
  type VerifyResult,
} from './webhook-signature.js';

// Enough inputs to cross every UTF-8 width, empty and 60 KB bodies, text and Buffer, many times over.
const SEEDS = Array.from({ length: 300 }, (_, i) => i + 1);
const MINUTE = 60_000;

/** The `standardwebhooks` package's verdict in our result shape: the reference ours must equal. */
function referenceVerdict(
  secret: string,
  body: string | Buffer,
  headers: Record<string, string>,
): VerifyResult {
  try {
    new Webhook(secret).verify(body, headers, { jsonParse: false });
    return { ok: true };
  } catch (error) {
    if (error instanceof WebhookVerificationError) return { ok: false, reason: error.message };
    throw error;
  }
}

function referenceHeaders({ secret, messageId, body, signedAt }: WebhookInput): SignatureHeaders {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, signedAt, body),
  };
}

function sign({ secret, messageId, body, signedAt }: WebhookInput): SignatureHeaders {
  return signWebhook(secret, messageId, typeof body === 'string' ? body : body.toString('utf8'), signedAt);
}

/** The body's bytes with one bit of one of them flipped (or a byte added to an empty body). */
function flipByte(body: string | Buffer, random: () => number): Buffer {
  const bytes = Buffer.from(body);
  if (bytes.length === 0) return Buffer.from('x');
  const at = Math.floor(random() * bytes.length);
  bytes[at]! ^= 1 << Math.floor(random() * 8);
  return bytes;
}

/** Flips an ASCII character: a lone surrogate flipped would still encode to the same U+FFFD. */
function flipAsciiCharacter(text: string, random: () => number): string {
  const ascii = [...text.matchAll(/[\x20-\x7e]/g)].map((match) => match.index);
  const at = ascii[Math.floor(random() * ascii.length)]!;
  return text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ 1) + text.slice(at + 1);
}

function replaceCharacter(text: string, at: number, alphabet: string, random: () => number): string {
  const others = alphabet.replace(text[at]!, '');
  return text.slice(0, at) + others[Math.floor(random() * others.length)]! + text.slice(at + 1);
}

describe('Standard Webhooks signatures', () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify([{ specversion: '1.0', id: 'c-1', type: 'OrderPlaced', data: { total: 12 } }]);

  it('generates secrets in the whsec_ format', () => {
    expect(isWebhookSecret(secret)).toBe(true);
    expect(isWebhookSecret('hunter2')).toBe(false);
  });

  it('signs so that the reference package verifies, and verifies what it signs', () => {
    const headers = signWebhook(secret, 'msg_1', body);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    expect(verifyWebhook(secret, Buffer.from(body), headers)).toEqual({ ok: true });
  });

  it('rejects a tampered body, another secret, a stale timestamp and missing headers', () => {
    const headers = signWebhook(secret, 'msg_1', body);
    expect(verifyWebhook(secret, body.replace('c-1', 'c-2'), headers).ok).toBe(false);
    expect(verifyWebhook(generateWebhookSecret(), body, headers).ok).toBe(false);
    const stale = signWebhook(secret, 'msg_1', body, new Date(Date.now() - 10 * MINUTE));
    expect(verifyWebhook(secret, body, stale)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/old/i),
    });
    expect(verifyWebhook(secret, body, {}).ok).toBe(false);
  });

  it('reads the first value of a header given twice, as node hands repeated headers', () => {
    const headers = signWebhook(secret, 'msg_1', body);
    const repeated = { ...headers, 'webhook-signature': [headers['webhook-signature'], 'v1,bogus'] };
    expect(verifyWebhook(secret, body, repeated)).toEqual({ ok: true });
  });
});

describe('signing and verifying with several secrets, as during a rotation', () => {
  const oldSecret = generateWebhookSecret();
  const newSecret = generateWebhookSecret();
  const body = '[{"id":"c-1"}]';

  it('signs once per secret, and the reference package verifies with either secret alone', () => {
    const headers = signWebhook([newSecret, oldSecret], 'msg_1', body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headers)).not.toThrow();
    expect(verifyWebhook(oldSecret, body, headers)).toEqual({ ok: true });
    expect(verifyWebhook(newSecret, body, headers)).toEqual({ ok: true });
    expect(verifyWebhook(generateWebhookSecret(), body, headers).ok).toBe(false);
  });

  it('accepts a delivery signed by any one of the secrets a receiver is configured with', () => {
    expect(verifyWebhook([newSecret, oldSecret], body, signWebhook(oldSecret, 'm', body))).toEqual({
      ok: true,
    });
    expect(verifyWebhook([newSecret, oldSecret], body, signWebhook(newSecret, 'm', body))).toEqual({
      ok: true,
    });
    const other = signWebhook(generateWebhookSecret(), 'm', body);
    expect(verifyWebhook([newSecret, oldSecret], body, other)).toEqual({
      ok: false,
      reason: 'No matching signature found',
    });
    expect(verifyWebhook([], body, signWebhook(newSecret, 'm', body)).ok).toBe(false);
  });

  it('refuses to sign with no secret at all', () => {
    expect(() => signWebhook([], 'm', body)).toThrow(/at least one secret/);
  });

  it('reads a list separated by commas, spaces or both, and a single secret as a list of one', () => {
    expect(parseWebhookSecretList(newSecret)).toEqual([newSecret]);
    expect(parseWebhookSecretList(`${newSecret},${oldSecret}`)).toEqual([newSecret, oldSecret]);
    expect(parseWebhookSecretList(` ${newSecret} , ${oldSecret}\n`)).toEqual([newSecret, oldSecret]);
    expect(parseWebhookSecretList('')).toEqual([]);
  });
});

// The seed is part of every compared value, so a failure names the input that replays it.
describe('interoperability with the standardwebhooks package, on random inputs', () => {
  it('signs exactly what the package signs, and the package verifies it', () => {
    for (const seed of SEEDS) {
      const input = randomWebhookInput(seed);
      const ours = sign(input);
      expect({ seed, headers: ours }).toEqual({ seed, headers: referenceHeaders(input) });
      expect({ seed, verdict: referenceVerdict(input.secret, input.body, ours) }).toEqual({
        seed,
        verdict: { ok: true },
      });
    }
  });

  it('verifies what the package signs, from text and from Buffer bodies', () => {
    for (const seed of SEEDS) {
      const input = randomWebhookInput(seed);
      const headers = referenceHeaders(input);
      expect({ seed, verdict: verifyWebhook(input.secret, input.body, headers) }).toEqual({
        seed,
        verdict: { ok: true },
      });
      const otherForm =
        typeof input.body === 'string' ? Buffer.from(input.body) : input.body.toString('utf8');
      expect({ seed, verdict: verifyWebhook(input.secret, otherForm, headers) }).toEqual({
        seed,
        verdict: { ok: true },
      });
    }
  });

  it('refuses a flipped byte in the body, the id, the timestamp or the signature', () => {
    const noMatch = { ok: false, reason: 'No matching signature found' };
    for (const seed of SEEDS) {
      const input = randomWebhookInput(seed);
      const random = seededRandom(-seed);
      const headers = sign(input);
      const verdict = (body: string | Buffer, changed: Partial<SignatureHeaders>) => ({
        seed,
        verdict: verifyWebhook(input.secret, body, { ...headers, ...changed }),
      });

      expect(verdict(flipByte(input.body, random), {})).toEqual({ seed, verdict: noMatch });
      expect(verdict(input.body, { 'webhook-id': flipAsciiCharacter(input.messageId, random) })).toEqual({
        seed,
        verdict: noMatch,
      });

      // A digit for another digit: either out of tolerance or a mismatch, as the package says.
      const timestamp = headers['webhook-timestamp'];
      const at = Math.floor(random() * timestamp.length);
      const otherTime = { 'webhook-timestamp': replaceCharacter(timestamp, at, '0123456789', random) };
      expect(verdict(input.body, otherTime)).toEqual({
        seed,
        verdict: referenceVerdict(input.secret, input.body, { ...headers, ...otherTime }),
      });
      expect(verdict(input.body, otherTime).verdict.ok).toBe(false);

      const signature = headers['webhook-signature'];
      const base64At = 'v1,'.length + Math.floor(random() * (signature.length - 'v1,'.length - 1));
      const base64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      const forged = { 'webhook-signature': replaceCharacter(signature, base64At, base64, random) };
      expect(verdict(input.body, forged)).toEqual({ seed, verdict: noMatch });
    }
  });

  it('refuses timestamps more than 5 minutes old or ahead, with the package reasons', () => {
    for (const seed of SEEDS.slice(0, 50)) {
      const input = randomWebhookInput(seed);
      for (const [offset, verdict] of [
        [-6 * MINUTE, { ok: false, reason: 'Message timestamp too old' }],
        [-4 * MINUTE, { ok: true }],
        [4 * MINUTE, { ok: true }],
        [6 * MINUTE, { ok: false, reason: 'Message timestamp too new' }],
      ] as const) {
        const shifted = { ...input, signedAt: new Date(Date.now() + offset) };
        expect({ seed, offset, verdict: verifyWebhook(input.secret, input.body, sign(shifted)) }).toEqual({
          seed,
          offset,
          verdict,
        });
        const reference = referenceVerdict(input.secret, input.body, referenceHeaders(shifted));
        expect({ seed, offset, verdict: reference }).toEqual({ seed, offset, verdict });
      }
    }
  });

  it('accepts several signatures when any v1 one matches, and no other version', () => {
    for (const seed of SEEDS.slice(0, 50)) {
      const input = randomWebhookInput(seed);
      const valid = sign(input)['webhook-signature'];
      const [, base64] = valid.split(',');
      const other = sign({ ...input, secret: generateWebhookSecret() })['webhook-signature'];
      for (const [list, ok] of [
        [`${other} ${valid}`, true],
        [`v1,bogus v1 ${valid} v1,`, true],
        [`${valid} ${other}`, true],
        [`${other} v2,${base64}`, false],
        [`${other} v1a,${base64}`, false],
      ] as const) {
        const headers = { ...sign(input), 'webhook-signature': list };
        const verdict = verifyWebhook(input.secret, input.body, headers);
        expect({ seed, list, ok: verdict.ok }).toEqual({ seed, list, ok });
        expect({ seed, list, verdict }).toEqual({
          seed,
          list,
          verdict: referenceVerdict(input.secret, input.body, headers),
        });
      }
    }
  });

  it('refuses missing and malformed headers with the package reasons', () => {
    const input = randomWebhookInput(1);
    const headers = sign(input);
    const cases: Array<Record<string, string>> = [
      {},
      { ...headers, 'webhook-id': '' },
      {
        'webhook-timestamp': headers['webhook-timestamp'],
        'webhook-signature': headers['webhook-signature'],
      },
      { ...headers, 'webhook-timestamp': '' },
      { ...headers, 'webhook-signature': '' },
      { ...headers, 'webhook-timestamp': 'yesterday' },
      { ...headers, 'webhook-signature': 'v1,' },
      { ...headers, 'webhook-signature': 'nonsense' },
    ];
    for (const [index, caseHeaders] of cases.entries()) {
      expect({ index, verdict: verifyWebhook(input.secret, input.body, caseHeaders) }).toEqual({
        index,
        verdict: referenceVerdict(input.secret, input.body, caseHeaders),
      });
    }
  });

  it('checks the headers alone, before any body, with the reasons of the full verification', () => {
    const input = randomWebhookInput(2);
    const headers = sign(input);
    const cases: Array<Record<string, string>> = [
      headers,
      {},
      { ...headers, 'webhook-id': '' },
      { ...headers, 'webhook-signature': '' },
      { ...headers, 'webhook-timestamp': 'yesterday' },
      { ...headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 6 * 60) },
      { ...headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000) + 6 * 60) },
      { ...headers, 'webhook-signature': 'nonsense' },
    ];
    for (const [index, caseHeaders] of cases.entries()) {
      const full = verifyWebhook(input.secret, input.body, caseHeaders);
      // Only the signature itself needs the body: every other refusal is known from the headers.
      const bodyNeeded = full.ok || full.reason === 'No matching signature found';
      const check = checkWebhookHeaders(caseHeaders);
      expect({ index, ok: check.ok, reason: check.ok ? undefined : check.reason }).toEqual({
        index,
        ok: bodyNeeded,
        reason: bodyNeeded ? undefined : (full as { reason: string }).reason,
      });
    }
  });
});
