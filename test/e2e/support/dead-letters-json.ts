import type { ListedDeadLetter } from '../../../services/relay/dead-letters/list-dead-letters.js';

/** `outbox dead-letters --json`: the relay's listed dead letters, as JSON. */
type LetterJson = Pick<ListedDeadLetter, 'subscription' | 'heldBehind'> & {
  event: Pick<ListedDeadLetter['event'], 'aggregateId'>;
};

const lettersOf = (json: string) => JSON.parse(json) as LetterJson[];

/** Per subscription, the distinct orders its dead letters belong to, sorted. */
export function deadLetterOrders(json: string): Record<string, string[]> {
  const orders: Record<string, Set<string>> = {};
  for (const letter of lettersOf(json))
    (orders[letter.subscription] ??= new Set()).add(letter.event.aggregateId);
  return Object.fromEntries(Object.entries(orders).map(([name, ids]) => [name, [...ids].sort()]));
}

/** Per subscription, how many dead letters it lists. */
export function deadLettersPerSubscription(json: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const letter of lettersOf(json)) counts[letter.subscription] = (counts[letter.subscription] ?? 0) + 1;
  return counts;
}

/** Later events of orders held behind their parked events (not attempted; delivered after them on replay). */
export function heldFollowersIn(json: string): number {
  return lettersOf(json).reduce((total, letter) => total + letter.heldBehind, 0);
}
