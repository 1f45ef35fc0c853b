import { describe, expect, it } from '@jest/globals';
import { isValidPercentEncoding } from './require-valid-path.js';

describe('valid percent-encoding of a path', () => {
  it.each([
    ['/orders/019ac5a4-7a9e-7cc1-8e11-000000000001/place', true],
    ['/stock/caf%C3%A9', true],
    ['/orders/%2F', true],
    ['/', true],
    ['/orders/%ZZ/place', false],
    ['/orders/%', false],
    ['/orders/%4', false],
    ['/stock/%E0%A4%A', false],
    ['/stock/%C3', false],
    ['/stock/%FF', false],
  ])('%s: %s', (path, expected) => {
    expect(isValidPercentEncoding(path)).toBe(expected);
  });
});
