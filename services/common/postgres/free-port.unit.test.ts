import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { findFreePort } from './free-port.js';

describe('findFreePort', () => {
  it('gives a port that can be listened on', async () => {
    const port = await findFreePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });

  it('never gives this process the same port twice, though the kernel may offer it again', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 300; i++) ports.push(await findFreePort());
    expect(new Set(ports).size).toBe(ports.length);
  });
});
