import { afterEach, describe, expect, it } from '@jest/globals';
import { startFixture, type FixtureProcess } from '../../test/support/fixture-process.js';

const FIXTURE = 'test/fixtures/graceful-server.ts';
let running: FixtureProcess | undefined;

afterEach(() => {
  running?.child.kill('SIGKILL');
  running = undefined;
});

describe('graceful shutdown', () => {
  it('finishes an in-flight request after SIGTERM, stops accepting new ones, and exits 0', async () => {
    // Given a server with a slow request in flight
    running = startFixture(FIXTURE, { SLOW_MS: '1500' });
    const port = (await running.waitForLine(/^listening \d+$/)).split(' ')[1];
    const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
    await running.waitForLine(/^started \/slow$/);

    // When it receives SIGTERM
    running.child.kill('SIGTERM');
    await running.waitForLine(/^not accepting$/);

    // Then a new connection is refused, the request in flight still completes, and the exit code is 0
    await expect(fetch(`http://127.0.0.1:${port}/slow`)).rejects.toThrow();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    expect(await running.exited).toEqual({ code: 0, signal: null });
  });

  it('treats SIGINT like SIGTERM', async () => {
    running = startFixture(FIXTURE);
    await running.waitForLine(/^listening \d+$/);
    running.child.kill('SIGINT');
    expect(await running.exited).toEqual({ code: 0, signal: null });
  });

  it('exits 1 when a step overruns the shutdown timeout rather than hang', async () => {
    running = startFixture(FIXTURE, { SHUTDOWN_HANG: '1', SHUTDOWN_TIMEOUT_MS: '300' });
    await running.waitForLine(/^listening \d+$/);
    running.child.kill('SIGTERM');
    expect(await running.exited).toEqual({ code: 1, signal: null });
  });
});
