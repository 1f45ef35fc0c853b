import { z } from 'zod';
import { parseDuration } from '../../common/duration.js';
import { ORDER_EVENT_TYPES, type OrderEventType } from '../../common/events/order-events.js';
import type { DeadLetterFilter } from '../dead-letters/dead-letter-filter.js';

/** A duration (30m, 24h, 7d) no longer than `maxMs`: beyond it a time would not be a valid date. */
export function boundedDuration(maxMs: number, maxText: string) {
  return z.string().refine((text) => {
    const ms = parseDuration(text);
    return ms !== undefined && ms <= maxMs;
  }, `must be a duration such as 30m, 24h or 7d, at most ${maxText}`);
}

/** The console's dead-letter filters, as query parameters (a list) or body fields (a bulk action). */
export const deadLetterFilterShape = {
  subscription: z.string().min(1).max(200).optional(),
  type: z.enum(ORDER_EVENT_TYPES as [OrderEventType, ...OrderEventType[]]).optional(),
  status: z.coerce.number().int().min(100).max(599).optional(),
  error: z.string().min(1).max(500).optional(),
  since: boundedDuration(10 * 365 * 86_400_000, '3650d').optional(),
};

export type DeadLetterFilterInput = {
  type?: string | undefined;
  status?: number | undefined;
  error?: string | undefined;
  since?: string | undefined;
};

/** The filters given as the dead-letter functions take them; undefined when none is. */
export function toDeadLetterFilter(input: DeadLetterFilterInput, now: Date): DeadLetterFilter | undefined {
  const filter: DeadLetterFilter = {};
  if (input.type !== undefined) filter.eventType = input.type;
  if (input.status !== undefined) filter.statusCode = input.status;
  if (input.error !== undefined) filter.error = input.error;
  if (input.since !== undefined) filter.since = new Date(now.getTime() - parseDuration(input.since)!);
  return Object.keys(filter).length > 0 ? filter : undefined;
}
