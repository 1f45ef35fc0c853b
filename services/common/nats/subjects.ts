/**
 * The subject an event is published on: the prefix, its partition (the order's, so that all of one
 * order's events share a subject and JetStream keeps them in order), and its type, so a consumer
 * can filter by either: `orders.3.OrderPlaced`.
 */
export function eventSubject(prefix: string, partition: number, eventType: string): string {
  return `${prefix}.${partition}.${eventType}`;
}

/** Every event of one partition: what a partition's consumer filters on. */
export function partitionSubjects(prefix: string, partition: number): string {
  return `${prefix}.${partition}.*`;
}

/** Every event under the prefix: the subjects of the stream. */
export function allEventSubjects(prefix: string): string {
  return `${prefix}.>`;
}

/**
 * Whether a stream subject matches every subject events are published on under the prefix,
 * `<prefix>.<partition>.<type>`: token by token, `>` takes the rest, `*` any one token.
 */
export function subjectCoversPrefix(streamSubject: string, prefix: string): boolean {
  const wanted = [...prefix.split('.'), '*', '*'];
  const tokens = streamSubject.split('.');
  for (const [index, token] of tokens.entries()) {
    if (token === '>') return true;
    const want = wanted[index];
    if (want === undefined) return false;
    if (token === '*') continue;
    if (want === '*' || token !== want) return false;
  }
  return tokens.length === wanted.length;
}
