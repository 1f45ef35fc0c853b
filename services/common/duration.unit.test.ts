import { describe, expect, it } from '@jest/globals';
import { formatDuration, parseDuration } from './duration.js';

describe('durations', () => {
  it.each([
    ['7d', 604_800_000],
    ['36h', 129_600_000],
    ['90m', 5_400_000],
    ['3600s', 3_600_000],
    ['1500ms', 1_500],
    [' 2 d ', 172_800_000],
    ['a week', undefined],
    ['-1d', undefined],
    ['1.5h', undefined],
  ])('parses %j as %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    [604_800_000, '7d'],
    [129_600_000, '36h'],
    [5_400_000, '90m'],
    [3_600_000, '1h'],
    [61_000, '61s'],
    [1_500, '1500ms'],
    [0, '0d'],
  ])('formats %j as %j, which parses back to it', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});
