import type { Command } from 'commander';
import type { DeadLetterFilter } from '../relay/dead-letters/dead-letter-filter.js';
import { ORDER_EVENT_TYPES } from '../common/events/order-events.js';
import { parseSinceOption } from './duration-option.js';

export type FilterOptions = { type?: string; status?: string; error?: string; since?: string };

/** The dead-letter filters of `dead-letters`, `dead-letters discard` and `replay`; they combine. */
export function addFilterOptions(command: Command): Command {
  return command
    .option('--type <EventType>', `only events of this type (${ORDER_EVENT_TYPES.join(', ')})`)
    .option('--status <http-status>', 'only letters whose last attempt got this HTTP status')
    .option('--error <text>', 'only letters whose last error contains this text (any case)')
    .option('--since <duration|time>', 'only letters parked since then: 2h, 7d, or an ISO time');
}

/** The filters given, checked; undefined when none is. */
export function parseFilterOptions(options: FilterOptions, now: Date): DeadLetterFilter | undefined {
  const filter: DeadLetterFilter = {};
  if (options.type !== undefined) {
    if (!(ORDER_EVENT_TYPES as readonly string[]).includes(options.type))
      throw new Error(`--type must be one of ${ORDER_EVENT_TYPES.join(', ')}, got "${options.type}"`);
    filter.eventType = options.type;
  }
  if (options.status !== undefined) {
    const status = /^\d{3}$/.test(options.status) ? Number(options.status) : Number.NaN;
    if (!(status >= 100 && status <= 599))
      throw new Error(`--status must be an HTTP status from 100 to 599, got "${options.status}"`);
    filter.statusCode = status;
  }
  if (options.error !== undefined) filter.error = options.error;
  if (options.since !== undefined) filter.since = parseSinceOption(options.since, now);
  return Object.keys(filter).length > 0 ? filter : undefined;
}
