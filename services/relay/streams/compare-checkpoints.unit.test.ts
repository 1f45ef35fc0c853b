import { describe, expect, it } from '@jest/globals';
import { compareCheckpoints } from './compare-checkpoints.js';

const at = (txId: string, position: string) => ({ txId, position });

describe('compareCheckpoints', () => {
  it.each([
    [at('5', '10'), at('5', '10'), 0],
    [at('5', '9'), at('5', '10'), -1],
    [at('5', '10'), at('5', '9'), 1],
    // The transaction id decides first: a later transaction may hold lower positions
    [at('4', '900'), at('5', '10'), -1],
    [at('6', '1'), at('5', '10'), 1],
    // Numbers, not text: '1000' comes after '999'
    [at('1000', '1'), at('999', '1'), 1],
    [at('7', '1000'), at('7', '999'), 1],
    // Beyond 2^53: compared exactly
    [at('9007199254740993', '1'), at('9007199254740992', '1'), 1],
    [at('0', '0'), at('1', '0'), -1],
  ])('%j against %j: %i', (a, b, expected) => {
    expect(compareCheckpoints(a, b)).toBe(expected);
  });
});
