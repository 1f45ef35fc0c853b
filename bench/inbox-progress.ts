import { sql, type Kysely } from 'kysely';

// Inbox tables live in the subscribers' schemas, which the core types do not know.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export type InboxTable = { name: string; table: string };

export type InboxSpan = {
  name: string;
  events: number;
  /** First and last processed_at, in seconds since the epoch (PostgreSQL's clock). */
  first: number;
  last: number;
};

/** Rows in each inbox: how many events each subscriber has processed. */
export async function inboxCounts(db: AnyDb, inboxes: InboxTable[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const inbox of inboxes) {
    const { rows } = await sql<{
      count: string;
    }>`select count(*) as count from ${sql.table(inbox.table)}`.execute(db);
    counts[inbox.name] = Number(rows[0]!.count);
  }
  return counts;
}

/**
 * Polls the inboxes until each holds at least its expected count: the backlog is 0 when the last
 * subscriber has committed the last event. Resolves with the seconds it took; rejects at the
 * deadline naming who was behind, so a stalled relay fails the run instead of hanging it.
 *
 * `lastEventIds` (per inbox, the last event of its stream) makes the wait cheap while a big
 * backlog drains: counting 50,000-row inboxes every 50 ms would cost PostgreSQL a good share of a
 * core on a 2-core machine, in the middle of what is being measured. A stream is delivered in
 * order, so until its last event is in, it cannot be complete; only then are the rows counted.
 */
export async function waitForInboxes(
  db: AnyDb,
  inboxes: InboxTable[],
  expected: Record<string, number>,
  options: { timeoutMs: number; pollMs?: number; lastEventIds?: Record<string, string> },
): Promise<number> {
  const started = performance.now();
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const counts = (await lastEventsArrived(db, inboxes, options.lastEventIds))
      ? await inboxCounts(db, inboxes)
      : {};
    if (inboxes.every((inbox) => (counts[inbox.name] ?? 0) >= (expected[inbox.name] ?? 0))) {
      return (performance.now() - started) / 1000;
    }
    if (Date.now() > deadline) {
      const final = await inboxCounts(db, inboxes);
      const behind = inboxes
        .map((inbox) => `${inbox.name} ${final[inbox.name] ?? 0}/${expected[inbox.name] ?? 0}`)
        .join(', ');
      const lastMissing = (await lastEventsArrived(db, inboxes, options.lastEventIds))
        ? ''
        : "; a stream's last event has not arrived";
      throw new Error(`backlog not drained after ${options.timeoutMs} ms: ${behind}${lastMissing}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
  }
}

async function lastEventsArrived(
  db: AnyDb,
  inboxes: InboxTable[],
  lastEventIds: Record<string, string> | undefined,
): Promise<boolean> {
  if (!lastEventIds) return true;
  for (const inbox of inboxes) {
    const id = lastEventIds[inbox.name];
    if (id === undefined) continue;
    const { rows } = await sql<{ found: boolean }>`
      select exists (select 1 from ${sql.table(inbox.table)} where event_id = ${id}::uuid) as found`.execute(
      db,
    );
    if (!rows[0]?.found) return false;
  }
  return true;
}

/** How many events each inbox holds and when its first and last were processed. */
export async function inboxSpans(db: AnyDb, inboxes: InboxTable[]): Promise<InboxSpan[]> {
  const spans: InboxSpan[] = [];
  for (const inbox of inboxes) {
    const { rows } = await sql<{ events: string; first: number | null; last: number | null }>`
      select count(*) as events,
             extract(epoch from min(processed_at))::float8 as first,
             extract(epoch from max(processed_at))::float8 as last
        from ${sql.table(inbox.table)}`.execute(db);
    const row = rows[0]!;
    spans.push({ name: inbox.name, events: Number(row.events), first: row.first ?? 0, last: row.last ?? 0 });
  }
  return spans;
}

export type DeliveryRate = {
  perSubscriber: Record<string, { events: number; seconds: number; eventsPerSecond: number }>;
  total: { events: number; seconds: number; eventsPerSecond: number };
};

/**
 * Events per second from the inboxes' own timestamps: from the first event processed to the last,
 * per subscriber and over all four. Start-up time (compiling, connecting, first poll) is left out
 * on both sides of a comparison, and the database clock is the only clock involved.
 */
export function deliveryRate(spans: InboxSpan[]): DeliveryRate {
  const rate = (events: number, seconds: number) => ({
    events,
    seconds,
    eventsPerSecond: seconds > 0 ? events / seconds : 0,
  });
  const perSubscriber = Object.fromEntries(
    spans.map((span) => [span.name, rate(span.events, span.last - span.first)]),
  );
  const first = Math.min(...spans.map((span) => span.first));
  const last = Math.max(...spans.map((span) => span.last));
  const events = spans.reduce((sum, span) => sum + span.events, 0);
  return { perSubscriber, total: rate(events, last - first) };
}
