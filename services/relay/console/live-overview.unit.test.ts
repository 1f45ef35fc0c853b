import { describe, expect, it } from '@jest/globals';
import { LiveOverview, MAX_LIVE_VIEWS } from './live-overview.js';

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the shared live overview', () => {
  it('reads once per refresh for every page watching, and stops reading when none is', async () => {
    let reads = 0;
    const live = new LiveOverview(() => Promise.resolve({ read: ++reads }), 60_000);
    const first: string[] = [];
    const second: string[] = [];
    const stopFirst = live.watch((message) => first.push(message));
    await nextTurn();
    const stopSecond = live.watch((message) => second.push(message));
    await nextTurn();
    expect(reads).toBe(1);
    expect(first).toEqual(['event: overview\ndata: {"read":1}\n\n']);
    // The page that came later gets the last overview at once, without a read of its own.
    expect(second).toEqual(first);
    stopFirst();
    stopSecond();
    expect(live.full).toBe(false);
  });

  it('keeps one read loop when the last page leaves and another joins during a read', async () => {
    let reads = 0;
    const pending: (() => void)[] = [];
    const live = new LiveOverview(
      () => new Promise((resolve) => pending.push(() => resolve({ read: ++reads }))),
      60_000,
    );
    const stopFirst = live.watch(() => {});
    stopFirst(); // a reload: the page leaves while its read is under way ...
    const messages: string[] = [];
    const stopSecond = live.watch((message) => messages.push(message)); // ... and comes back
    expect(pending).toHaveLength(1);
    pending.shift()!();
    await nextTurn();
    // The one read answered the page that came back; no second loop was started beside it.
    expect(messages).toEqual(['event: overview\ndata: {"read":1}\n\n']);
    expect(pending).toHaveLength(0);
    stopSecond();
  });

  it('says unavailable, without the error, when a read fails', async () => {
    const live = new LiveOverview(() => Promise.reject(new Error('password=hunter2 refused')), 60_000);
    const messages: string[] = [];
    const stop = live.watch((message) => messages.push(message));
    await nextTurn();
    stop();
    expect(messages).toEqual(['event: unavailable\ndata: {}\n\n']);
  });

  it(`is full at ${MAX_LIVE_VIEWS} pages`, () => {
    const live = new LiveOverview(() => new Promise(() => {}), 60_000);
    const stops = Array.from({ length: MAX_LIVE_VIEWS }, () => live.watch(() => {}));
    expect(live.full).toBe(true);
    stops.forEach((stop) => stop());
    expect(live.full).toBe(false);
  });
});
