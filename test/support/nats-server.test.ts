import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startTestNats, type TestNats } from './nats-server.js';

describe('the NATS test fixture', () => {
  let nats: TestNats;
  beforeAll(async () => {
    nats = await startTestNats({ own: true });
  });
  afterAll(async () => {
    await nats.stop();
  });

  it('starts a server with JetStream on that keeps its streams across a restart', async () => {
    const before = await connect({ servers: nats.url });
    const manager = await jetstreamManager(before);
    await manager.streams.add({ name: 'FIXTURE_CHECK', subjects: ['fixture.check.>'] });
    await before.close();

    await nats.restart();

    const after = await connect({ servers: nats.url });
    const info = await (await jetstreamManager(after)).streams.info('FIXTURE_CHECK');
    expect(info.config.subjects).toEqual(['fixture.check.>']);
    await after.close();
  });
});
