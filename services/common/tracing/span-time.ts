import type { HrTime } from '@opentelemetry/api';

/**
 * An instant for a span (start, event, end) at sub-millisecond resolution: the process's
 * `performance.timeOrigin` plus a `performance.now()` reading (now, by default). Every instant the
 * services record passes through here because the SDK's defaults anchor each span to `Date.now()`,
 * a whole millisecond, and a span given a start time takes its later instants from `Date.now()`
 * itself: two instants of different spans, or even of one, would then be up to a millisecond off,
 * as much as the shortest hops of the benchmark's latency breakdown.
 */
export function spanTime(at: number = performance.now()): HrTime {
  const ms = performance.timeOrigin + at;
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.min(Math.round((ms - seconds * 1000) * 1e6), 999_999_999);
  return [seconds, nanos];
}
