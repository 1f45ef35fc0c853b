import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { prefixLines } from './line-prefixer.js';

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

describe('the line prefixer', () => {
  it('prefixes every complete line, joining lines that arrive in pieces', async () => {
    const source = new PassThrough();
    const target = new PassThrough();
    const text = collect(target);
    prefixLines(source, target, '[email]');

    source.write('first li');
    source.write('ne\nsecond\r\nthi');
    source.end('rd');
    await new Promise((resolve) => source.on('end', resolve));
    await new Promise((resolve) => setImmediate(resolve));

    expect(text()).toBe('[email] first line\n[email] second\n[email] third\n');
  });
});
