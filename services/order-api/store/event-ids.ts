import { v7 as uuidv7 } from 'uuid';

/** The ids of the events a command records, the first `count` of them. */
export type EventIds = (count: number) => string[];

/**
 * Event ids chosen once per request, before its first attempt, so that every attempt writes the
 * same ones: after a lost connection, the command can look for them to learn whether an earlier
 * attempt committed, and the outbox's unique `event_id` refuses a second copy of its events.
 */
export function reserveEventIds(): EventIds {
  const ids: string[] = [];
  return (count) => {
    while (ids.length < count) ids.push(uuidv7());
    return ids.slice(0, count);
  };
}
