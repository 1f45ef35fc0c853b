import { describe, expect, it } from '@jest/globals';
import { loadBenchOptions } from './options.js';

describe('benchmark options', () => {
  it('default to the sizes the targets are judged at', () => {
    expect(loadBenchOptions([], {})).toMatchObject({
      smoke: false,
      scenarios: ['api', 'relay', 'e2e', 'partitions', 'nats', 'apply'],
      apiSeconds: 10,
      apiConnections: 50,
      events: 50_000,
      e2eSeconds: 20,
      rates: [20, 600],
      durable: true,
      partitions: [1, 4, 8],
      receiverDelayMs: 5,
      applyEvents: 500,
    });
  });

  it('shrink to tiny sizes with --smoke, and let variables and flags override', () => {
    const options = loadBenchOptions(['--smoke', '--rates=5,10', '--scenarios=api'], { BENCH_EVENTS: '300' });
    expect(options).toMatchObject({ smoke: true, events: 300, rates: [5, 10], scenarios: ['api'] });
    expect(options.apiSeconds).toBe(1);
  });

  it('name the variable that is wrong', () => {
    expect(() => loadBenchOptions(['--events=lots'], {})).toThrow(/BENCH_EVENTS/);
    expect(() => loadBenchOptions([], { BENCH_SCENARIOS: 'api,fast' })).toThrow(/BENCH_SCENARIOS/);
    expect(() => loadBenchOptions(['--rates=1,x'], {})).toThrow(/BENCH_RATES/);
    expect(() => loadBenchOptions(['events=3'], {})).toThrow(/unknown argument/);
    expect(() => loadBenchOptions(['--partitions=1,2000'], {})).toThrow(/BENCH_PARTITIONS/);
  });
});
