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
