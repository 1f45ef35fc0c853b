import { describe, expect, it } from '@jest/globals';
import { mayBeOwnLateCommit } from './run-at-most-once.js';

const withCode = (code: string, message = 'error') => Object.assign(new Error(message), { code });

describe('which outcomes of a retried command may hide its own late commit', () => {
  it.each([
    ['a success', { reply: { ok: true } }, false],
    ['a refusal (409, 412, 404)', { reply: { ok: false } }, true],
    ['a unique violation (its own order or event id)', { error: withCode('23505') }, true],
    ['a lost connection', { error: withCode('ECONNRESET') }, false],
    ['a check violation', { error: withCode('23514') }, false],
    ['an error without a code', { error: new Error('boom') }, false],
    ['a thrown non-error', { error: null }, false],
  ] as const)('%s', (_name, outcome, expected) => {
    expect(mayBeOwnLateCommit(outcome)).toBe(expected);
  });
});
