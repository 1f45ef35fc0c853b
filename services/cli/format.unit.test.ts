import { describe, expect, it } from '@jest/globals';
import { printable, truncate } from './format.js';

describe('printable: outside text on a terminal', () => {
  it.each([
    ['a colour', 'HTTP 500: \x1b[31mred\x1b[0m', 'HTTP 500: red'],
    ['clearing the screen and moving the cursor', '\x1b[2J\x1b[Hgone\x1b[1;1H', 'gone'],
    ['a window title (OSC ended by BEL)', '\x1b]0;pwned\x07body', 'body'],
    ['a hyperlink (OSC ended by ESC \\)', '\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\', 'link'],
    ['a device control string', '\x1bPq#0;2;0;0;0\x1b\\after', 'after'],
    ['a short sequence (reset, charset)', 'a\x1bcb\x1b(Bc', 'abc'],
    ['a lone ESC at the end', 'tail\x1b', 'tail'],
    ['the one-character CSI (C1)', 'x\u009b2Jy', 'xy'],
  ])('removes %s whole', (_, text, expected) => {
    expect(printable(text)).toBe(expected);
  });

  it('shows any other control character as U+FFFD, and line breaks as spaces', () => {
    expect(printable('bell\x07 back\x08space nul\x00 del\x7f c1\u0085')).toBe(
      'bell\ufffd back\ufffdspace nul\ufffd del\ufffd c1\ufffd',
    );
    expect(printable('one\r\ntwo\tthree\u2028four')).toBe('one  two three four');
    // A right-to-left override would show the rest of the line backwards
    expect(printable('sku \u202eevil\u202c and \u2067isolate\u2069')).toBe(
      'sku \ufffdevil\ufffd and \ufffdisolate\ufffd',
    );
  });

  it('keeps printable text as it is, accents and symbols included', () => {
    const text = 'HTTP 422: {"error":"SKU «ÄÖ-42» unknown — 在庫なし ✓"}';
    expect(printable(text)).toBe(text);
  });
});

describe('truncate', () => {
  it('makes a cell of one printable line, cut after sanitizing', () => {
    expect(truncate('HTTP 503:\n\x1b[2J  deploying\x1b[0m now', 20)).toBe('HTTP 503: deploying…');
    expect(truncate(null, 10)).toBe('-');
  });
});
