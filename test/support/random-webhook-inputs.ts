/**
 * Seeded random inputs for checking a webhook signer against a reference: a failing case can be
 * replayed from its seed, which `Math.random` would not allow.
 */
import { seededRandom } from './seeded-random.js';

export type WebhookInput = {
  seed: number;
  secret: string;
  messageId: string;
  body: string | Buffer;
  signedAt: Date;
};

// Where UTF-8 changes width (1 to 4 bytes) plus lone surrogates, which encoders must replace alike.
const CODE_POINT_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x20, 0x7e],
  [0x00, 0x1f],
  [0xa0, 0x7ff],
  [0x800, 0xd7ff],
  [0xd800, 0xdfff],
  [0xe000, 0xfffd],
  [0x1f300, 0x1faff],
  [0x10000, 0x10ffff],
];

function randomText(random: () => number, maxLength: number): string {
  const length = Math.floor(random() * (maxLength + 1));
  let text = '';
  for (let i = 0; i < length; i++) {
    // Mostly ASCII, as JSON bodies are, with every other width mixed in.
    const [low, high] =
      random() < 0.6
        ? CODE_POINT_RANGES[0]!
        : CODE_POINT_RANGES[Math.floor(random() * CODE_POINT_RANGES.length)]!;
    text += String.fromCodePoint(low + Math.floor(random() * (high - low + 1)));
  }
  return text;
}

function randomBytes(random: () => number, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}

/** One input: a secret of 24 to 64 bytes, an id, a body as text or as its UTF-8 bytes, signed within a minute of now. */
export function randomWebhookInput(seed: number): WebhookInput {
  const random = seededRandom(seed);
  const secret = `whsec_${randomBytes(random, 24 + Math.floor(random() * 41)).toString('base64')}`;
  const messageId = `msg_${randomText(random, 24)}`;
  const text = randomText(random, random() < 0.1 ? 20_000 : 300);
  const body = random() < 0.5 ? text : Buffer.from(text, 'utf8');
  const signedAt = new Date(Date.now() - Math.floor(random() * 60_000));
  return { seed, secret, messageId, body, signedAt };
}
