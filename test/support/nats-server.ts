import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { findFreePort } from '../../services/common/postgres/free-port.js';
import { isContainerRuntimeAvailable } from './test-database-source.js';

/**
 * The one NATS fixture: a JetStream server for a test. In order: NATS_URL when set (a server the
 * caller runs; tests share it, so each uses its own stream and subject prefix), else `nats-server`
 * found on PATH (Debian's package; started on a free port with a temporary store), else a
 * testcontainers container, else an error saying how to get one. A test that restarts the server
 * asks for `own: true`, which skips NATS_URL. Test support only.
 */
export type TestNats = {
  source: 'NATS_URL' | 'nats-server' | 'testcontainers';
  /** nats://127.0.0.1:port */
  url: string;
  /** The server's process id when it runs here as a process (the benchmark reads its CPU time). */
  readonly pid: number | undefined;
  /** Stops the server and starts it again on the same port with the same store (own servers only). */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

export async function startTestNats(options: { own?: boolean } = {}): Promise<TestNats> {
  const given = process.env.NATS_URL;
  if (given && !options.own) {
    return {
      source: 'NATS_URL',
      url: given,
      pid: undefined,
      restart: () => Promise.reject(new Error('a server given by NATS_URL cannot be restarted by a test')),
      stop: async () => {},
    };
  }
  const binary = findOnPath('nats-server');
  if (binary) return startNatsProcess(binary);
  if (await isContainerRuntimeAvailable()) return startNatsContainer();
  throw new Error(
    'No NATS server for this test: set NATS_URL to a server with JetStream on, install nats-server ' +
      '(Debian: apt-get install nats-server; it must be on PATH), or run Docker for testcontainers.',
  );
}

function findOnPath(name: string): string | undefined {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const folder of folders.filter(Boolean)) {
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function startNatsProcess(binary: string): Promise<TestNats> {
  const port = await findFreePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'outbox-nats-'));
  let child = await spawnReady(binary, port, storeDir);
  return {
    source: 'nats-server',
    url: `nats://127.0.0.1:${port}`,
    get pid() {
      return child.pid;
    },
    restart: async () => {
      await stopChild(child);
      child = await spawnReady(binary, port, storeDir);
    },
    stop: async () => {
      await stopChild(child);
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

function spawnReady(binary: string, port: number, storeDir: string): Promise<ChildProcess> {
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nats-server did not become ready within 15 s:\n${log}`));
    }, 15_000);
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code} before it was ready:\n${log}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function startNatsContainer(): Promise<TestNats> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer('nats:2.10-alpine')
    .withCommand(['-js', '-sd', '/data'])
    .withExposedPorts(4222)
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .start();
  const url = () => `nats://${container.getHost()}:${container.getMappedPort(4222)}`;
  const nats: TestNats = {
    source: 'testcontainers',
    url: url(),
    pid: undefined,
    restart: async () => {
      await container.restart();
      nats.url = url();
    },
    stop: async () => {
      await container.stop();
    },
  };
  return nats;
}
