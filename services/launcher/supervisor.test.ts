import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { pino } from 'pino';
import { findFreePort } from '../common/postgres/free-port.js';
import { PROJECT_ROOT } from '../../test/support/fixture-process.js';
import { prepareLocalAuth } from './local-auth.js';
import { readyBanner } from './ready-banner.js';
import { superviseServices } from './supervisor.js';

function logCapture() {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      records.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), records };
}

describe('the supervisor', () => {
  it('reports a service that dies, keeps the others running, and stops them all', async () => {
    // Given one service that serves and one that dies at start-up, handed the local auth as npm start does
    const port = await findFreePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'outbox-supervisor-'));
    const auth = await prepareLocalAuth(dataDir, {});
    const { logger, records } = logCapture();
    const output = { stdout: new PassThrough(), stderr: new PassThrough() };
    output.stdout.resume();
    output.stderr.resume();
    const supervisor = superviseServices({
      root: PROJECT_ROOT,
      services: [
        {
          name: 'steady',
          module: 'test/fixtures/steady-service',
          portVariable: 'STEADY_PORT',
          defaultPort: 1,
        },
        {
          name: 'crashing',
          module: 'test/fixtures/crashing-service',
          portVariable: 'NO_PORT',
          defaultPort: 9,
        },
      ],
      env: { ...process.env, AUTH_MODE: '', AUTH_JWKS_URL: '', ...auth.env, STEADY_PORT: String(port) },
      logger,
      output,
    });
    const [steady, crashing] = supervisor.children;
    try {
      // When both have started (or given up)
      const statuses = await supervisor.waitUntilReady(30_000);

      // Then the dead one is reported and the other still serves
      expect(statuses).toEqual([
        { service: 'steady', url: `http://127.0.0.1:${port}`, healthy: true },
        { service: 'crashing', url: 'http://127.0.0.1:9', healthy: false },
      ]);
      expect(await crashing!.exited).toBe('code 3');
      expect(records).toContainEqual(
        expect.objectContaining({ child: 'crashing', exit: 'code 3', msg: 'service exited unexpectedly' }),
      );
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      // And the survivor was started with the local key's auth variables
      expect(((await health.json()) as { auth: Record<string, string> }).auth).toEqual(
        expect.objectContaining({
          AUTH_PUBLIC_KEY_FILE: join(dataDir, 'auth', 'jwks.json'),
          AUTH_ISSUER: 'order-outbox-local',
          AUTH_AUDIENCE: 'order-outbox',
        }),
      );
      expect(readyBanner(statuses, 'embedded', auth)).toContain(
        'crashing  http://127.0.0.1:9  (not healthy)',
      );

      // And stopping stops the survivor cleanly, without reporting it as a death
      await supervisor.stopAll(5_000);
      expect(await steady!.exited).toBe('code 0');
      expect(records.filter((record) => record.msg === 'service exited unexpectedly')).toHaveLength(1);
    } finally {
      await supervisor.stopAll(1_000);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
