import { describe, expect, it } from '@jest/globals';
import { parseNatsEndpoint, type NatsEndpoint } from '../../common/nats/nats-endpoint.js';
import { subjectCoversPrefix } from '../../common/nats/subjects.js';
import { judgeExistingStream, type ExistingStream } from './stream-verdict.js';

function endpoint(url: string): NatsEndpoint {
  const parsed = parseNatsEndpoint(url);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.endpoint;
}

const wanted = endpoint('nats://h:4222/shop.orders?stream=SHOP&max-age=7d&duplicate-window=2m');
const matching: ExistingStream = {
  name: 'SHOP',
  subjects: ['shop.orders.>'],
  retention: 'limits',
  storage: 'file',
  maxAgeMs: 7 * 86_400_000,
  duplicateWindowMs: 120_000,
};

describe('an existing JetStream stream', () => {
  it.each([
    ['shop.orders.>', true],
    ['shop.>', true],
    ['>', true],
    ['shop.*.>', true],
    ['shop.orders.*.*', true],
    ['*.orders.*.*', true],
    ['shop.orders.*', false],
    ['shop.orders.0.*', false],
    ['shop.orders.*.OrderPlaced', false],
    ['shop.orders', false],
    ['shop.orders.*.*.*', false],
    ['other.>', false],
  ])('subject %s covers every shop.orders.<partition>.<type>: %s', (subject, covers) => {
    expect(subjectCoversPrefix(subject, 'shop.orders')).toBe(covers);
  });

  it('is used as is when it matches the URL', () => {
    expect(judgeExistingStream(matching, wanted)).toEqual({ ok: true, warnings: [] });
  });

  it('is used with a warning for each harmless difference', () => {
    const verdict = judgeExistingStream(
      { ...matching, storage: 'memory', maxAgeMs: 0, duplicateWindowMs: 600_000 },
      wanted,
    );
    expect(verdict).toEqual({
      ok: true,
      warnings: ['max age is unlimited, not 7d', 'storage is memory, not file'],
    });
  });

  it.each(['interest', 'workqueue'])('is refused with %s retention, which can drop events', (retention) => {
    const verdict = judgeExistingStream({ ...matching, retention }, wanted);
    expect(verdict).toMatchObject({ ok: false, error: expect.stringContaining(`${retention} retention`) });
  });

  it('is refused when its subjects do not cover the prefix, saying how to fix it', () => {
    const verdict = judgeExistingStream({ ...matching, subjects: ['shop.payments.>'] }, wanted);
    expect(verdict).toEqual({
      ok: false,
      error:
        'JetStream stream SHOP exists but its subjects (shop.payments.>) do not cover shop.orders.>: add ' +
        'shop.orders.> to it, or name another stream with ?stream=',
    });
  });

  it('is refused when it drops duplicates for less time than asked', () => {
    const verdict = judgeExistingStream({ ...matching, duplicateWindowMs: 30_000 }, wanted);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.error).toContain(
      'drops duplicates for 30s, less than the duplicate-window of 2m',
    );
  });
});
