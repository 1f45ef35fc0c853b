/**
 * Readers of `outbox dead-letters --json` that state what they need, not the exact layout: a list
 * of dead letters, each naming its subscription and, somewhere inside, its event's order
 * (aggregateId or orderId).
 */
type Letter = Record<string, unknown>;

function lettersOf(json: string): Letter[] {
  const parsed: unknown = JSON.parse(json);
  const list = Array.isArray(parsed) ? parsed : Object.values(parsed as object).find(Array.isArray);
  if (!Array.isArray(list)) throw new Error(`expected a list of dead letters, got ${json.slice(0, 200)}`);
  return list as Letter[];
}

function subscriptionOf(letter: Letter): string {
  const name = letter.subscription ?? letter.subscriptionName ?? letter.subscription_name;
  return typeof name === 'string' ? name : '?';
}

function orderIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (/^(aggregate_?id|order_?id)$/i.test(key) && typeof inner === 'string') return inner;
  }
  for (const inner of Object.values(value)) {
    const found = orderIdOf(inner);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Per subscription, the distinct orders its dead letters belong to, sorted. */
export function deadLetterOrders(json: string): Record<string, string[]> {
  const orders: Record<string, Set<string>> = {};
  for (const letter of lettersOf(json)) {
    (orders[subscriptionOf(letter)] ??= new Set()).add(orderIdOf(letter) ?? '?');
  }
  return Object.fromEntries(Object.entries(orders).map(([name, ids]) => [name, [...ids].sort()]));
}

/** Per subscription, how many dead letters it lists. */
export function deadLettersPerSubscription(json: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const letter of lettersOf(json))
    counts[subscriptionOf(letter)] = (counts[subscriptionOf(letter)] ?? 0) + 1;
  return counts;
}

/**
 * Later events of an order held behind its parked event (not attempted, delivered after it on
 * replay): dead letters whose state says "held", or the held counts or lists the parked letters
 * carry, whichever the layout shows (not both added up, as a layout may show both).
 */
export function heldFollowersIn(json: string): number {
  const letters = lettersOf(json);
  const stateOf = (letter: Letter) => [letter.state, letter.status].filter((v) => typeof v === 'string');
  const heldLetters = letters.filter((letter) => stateOf(letter).some((state) => /held/i.test(state))).length;
  const carried = letters.reduce((total, letter) => {
    const key = Object.keys(letter).find((name) => /held/i.test(name));
    const held = key === undefined ? undefined : letter[key];
    if (typeof held === 'number') return total + held;
    if (Array.isArray(held)) return total + held.length;
    return total;
  }, 0);
  return Math.max(heldLetters, carried);
}
