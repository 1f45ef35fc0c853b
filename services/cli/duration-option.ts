import { parseDuration } from '../common/duration.js';

/** A duration option (`--max-lag 5m`, `--interval 2s`) in the one grammar of duration.ts, in ms. */
export function parseDurationOption(text: string, flag: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new Error(`${flag} must be a duration such as 1500ms, 30s, 5m or 24h, got "${text}"`);
  return ms;
}

/**
 * `--since <duration|time>`: "2h" means two hours before `now`; an ISO 8601 time means that time.
 */
export function parseSinceOption(text: string, now: Date): Date {
  const ms = parseDuration(text);
  if (ms !== undefined) return new Date(now.getTime() - ms);
  const time = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(time)) return new Date(time);
  throw new Error(
    `--since must be a duration (30m, 24h, 7d) or an ISO time such as 2026-11-27T10:00:00Z, got "${text}"`,
  );
}
