import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';

/**
 * What makes two requests "the same" for an Idempotency-Key: method, path and body. The body is
 * serialised with sorted keys, so `{"a":1,"b":2}` and `{"b":2,"a":1}` (or other whitespace) match.
 */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${stringify(body ?? {}) ?? ''}`)
    .digest('hex');
}
