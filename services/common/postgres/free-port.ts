import { createServer } from 'node:net';

/**
 * Ports this process has handed out. The kernel may offer a port again as soon as it is closed, and
 * two services of one test system told the same port would not fail loudly: the second cannot
 * listen, but its health check is answered by the first.
 */
const handedOut = new Set<number>();

/** A free TCP port on 127.0.0.1, never one this process was given before. */
export async function findFreePort(): Promise<number> {
  for (;;) {
    const port = await askKernelForPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function askKernelForPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
