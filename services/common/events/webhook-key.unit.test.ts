import { describe, expect, it } from '@jest/globals';
import { webhookKey } from './webhook-key.js';

describe('webhookKey', () => {
  const bytes = Buffer.alloc(32, 7);
  const secret = `whsec_${bytes.toString('base64')}`;

  it('is the bytes of the base64 after whsec_, which the package also takes without the prefix', () => {
    expect(webhookKey(secret)).toEqual(bytes);
    expect(webhookKey(bytes.toString('base64'))).toEqual(bytes);
  });

  it('decodes a secret once and hands back the same key after', () => {
    expect(webhookKey(secret)).toBe(webhookKey(secret));
  });

  it('refuses, like the package, a secret that is not standard base64 or holds no key', () => {
    expect(() => webhookKey('whsec_not base64!')).toThrow(/base64/);
    expect(() => webhookKey(`whsec_${bytes.toString('base64url')}-_`)).toThrow(/base64/);
    expect(() => webhookKey('whsec_')).toThrow(/empty/);
  });
});
