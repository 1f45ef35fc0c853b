export const WEBHOOK_SECRET_PREFIX = 'whsec_';

// Buffer's base64 decoder skips characters it does not know and takes the URL-safe alphabet too;
// the standardwebhooks package refuses anything but standard base64, and so do we.
const STANDARD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

// The relay signs thousands of batches a second with a handful of secrets: decode each once. The
// cap only bounds memory should many secrets pass through (rotations, tests); refilling is cheap.
const MAX_CACHED_KEYS = 64;
const keys = new Map<string, Buffer>();

/**
 * The HMAC key of a Standard Webhooks secret: the bytes of the base64 after `whsec_` (the prefix
 * is optional, as in the package). Throws, like the package, on a secret that holds no key.
 */
export function webhookKey(secret: string): Buffer {
  let key = keys.get(secret);
  if (key === undefined) {
    key = decodeSecret(secret);
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

function decodeSecret(secret: string): Buffer {
  const base64 = secret.startsWith(WEBHOOK_SECRET_PREFIX)
    ? secret.slice(WEBHOOK_SECRET_PREFIX.length)
    : secret;
  if (!STANDARD_BASE64.test(base64)) throw new Error('The webhook secret is not base64.');
  const key = Buffer.from(base64, 'base64');
  if (key.length === 0) throw new Error("Secret can't be empty.");
  return key;
}
