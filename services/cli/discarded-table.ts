import type { DiscardedDeadLetter } from '../relay/dead-letters/list-discarded-dead-letters.js';
import { createTable, formatTime, truncate } from './format.js';

/** `outbox dead-letters --discarded`: the audit of what was given up on, by whom, when. */
export function discardedTable(letters: DiscardedDeadLetter[]): string {
  if (letters.length === 0) return 'No discarded dead letters.';
  const table = createTable([
    'subscription',
    'partition',
    'event id',
    'type',
    'order',
    'last error',
    'discarded',
    'by',
  ]);
  for (const letter of letters)
    table.push([
      letter.subscription,
      letter.partition,
      letter.eventId + (letter.held ? '\n(was held)' : ''),
      letter.eventType,
      letter.orderId,
      truncate(letter.error, 40),
      formatTime(letter.discardedAt),
      letter.discardedBy,
    ]);
  return table.toString();
}
