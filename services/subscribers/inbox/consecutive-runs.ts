import type { DeliveredEvent } from './subscriber.js';

export type EventRun = {
  [Type in DeliveredEvent['type']]: { type: Type; events: Extract<DeliveredEvent, { type: Type }>[] };
}[DeliveredEvent['type']];

/**
 * Splits a batch into maximal runs of consecutive events of one type. Applying run after run keeps
 * batch order between types (OrderPlaced before the OrderShipped that follows it) while each run can
 * be one set-based statement instead of one round trip per event.
 */
export function consecutiveRuns(events: DeliveredEvent[]): EventRun[] {
  const runs: { type: DeliveredEvent['type']; events: DeliveredEvent[] }[] = [];
  for (const event of events) {
    const last = runs.at(-1);
    if (last?.type === event.type) last.events.push(event);
    else runs.push({ type: event.type, events: [event] });
  }
  return runs as EventRun[];
}

/** The first event per order of a run: one statement must not touch the same row twice. */
export function firstPerOrder<Events extends DeliveredEvent[]>(events: Events): Events {
  const seen = new Set<string>();
  return events.filter((event) => {
    if (seen.has(event.data.orderId)) return false;
    seen.add(event.data.orderId);
    return true;
  }) as Events;
}
