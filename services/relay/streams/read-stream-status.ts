import { sql, type Kysely } from 'kysely';
import { redactUrl } from '../../common/redact-url.js';
import type { DB } from '../../common/db/database.js';
import { isUnauthorizedStatus } from '../delivery/classify-failure.js';
import type { Checkpoint } from './checkpoint.js';
import { FENCE, fenceHeldSince } from './fence.js';
import { inPartition } from './partition.js';

/** What `outbox status` and the metrics report for one stream: a partition of a subscription. */
export type StreamStatus = {
  name: string;
  partition: number;
  /** The subscription's partition count. */
  partitions: number;
  endpointUrl: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null;
  checkpoint: Checkpoint;
  /** Committed events of the subscription's types and this partition after the checkpoint. */
  backlog: number;
  /** Age of the oldest of those, in seconds; null when there are none. */
  lagSeconds: number | null;
  /**
   * How long the fence has held the stream back: the age of the first event after the checkpoint
   * that the fence hides (a transaction of this database that began before that event's is still
   * running), in seconds; null when it hides none.
   */
  fenceHeldSeconds: number | null;
  failedAttempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  lastStatusCode: number | null;
  /** Parked events not replayed yet. */
  deadLetters: number;
  /** Later events of those events' orders, waiting behind them. */
  heldEvents: number;
  /** The last delivery was refused 401/403: the secret or the endpoint's key is wrong. */
  unauthorized: boolean;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
};

type Row = {
  name: string;
  partition: number;
  partitions: number;
  endpoint_url: string;
  event_types: string[];
  enabled: boolean;
  disabled_reason: string | null;
  checkpoint_tx_id: string;
  checkpoint_position: string;
  backlog: string;
  oldest: Date | null;
  fence_held_since: Date | null;
  failed_attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  last_status_code: number | null;
  dead_letters: string;
  held_events: string;
  lease_owner: string | null;
  lease_expires_at: Date | null;
};

const secondsSince = (then: Date, now: Date) => Math.max(0, (now.getTime() - then.getTime()) / 1_000);

/**
 * One query for every stream (or those of one subscription), in subscription then partition order:
 * the backlog is counted on the (tx_id, position) index, and one fence serves every stream.
 */
export async function readStreamStatus(db: Kysely<DB>, now: Date, name?: string): Promise<StreamStatus[]> {
  const heldSince = fenceHeldSince(
    sql.ref('r.checkpoint_tx_id'),
    sql.ref('r.checkpoint_position'),
    sql.ref('fence.txid'),
  );
  const { rows } = await sql<Row>`
    with fence as materialized (select ${FENCE} as txid)
    select s.name, r.partition, s.partitions, s.endpoint_url, s.event_types, s.enabled, s.disabled_reason,
           r.checkpoint_tx_id::text as checkpoint_tx_id, r.checkpoint_position,
           b.backlog, b.oldest, ${heldSince} as fence_held_since,
           r.failed_attempts, r.next_attempt_at, r.last_error, r.last_status_code,
           d.dead_letters, d.held_events,
           case when r.lease_expires_at > now() then r.lease_owner end as lease_owner,
           r.lease_expires_at
    from subscriptions s
    join relay_streams r on r.subscription_name = s.name
    cross join fence
    cross join lateral (
      select count(*) as backlog, min(o.occurred_at) as oldest from outbox o
      where (o.tx_id, o.position) > (r.checkpoint_tx_id, r.checkpoint_position)
        and o.event_type = any(s.event_types)
        and ${inPartition(sql.ref('o.partition_key'), sql.ref('s.partitions'), sql.ref('r.partition'))}) b
    cross join lateral (
      select count(*) filter (where not held) as dead_letters, count(*) filter (where held) as held_events
      from dead_letters
      where dead_letters.subscription_name = s.name and dead_letters.partition = r.partition
        and dead_letters.replayed_at is null) d
    where ${name ?? null}::text is null or s.name = ${name ?? null}
    order by s.name, r.partition`.execute(db);
  return rows.map((row) => ({
    name: row.name,
    partition: row.partition,
    partitions: row.partitions,
    // A nats:// URL may hold a password: status (CLI and admin API) shows it as ***.
    endpointUrl: redactUrl(row.endpoint_url),
    eventTypes: row.event_types,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    checkpoint: { txId: row.checkpoint_tx_id, position: String(row.checkpoint_position) },
    backlog: Number(row.backlog),
    lagSeconds: row.oldest ? secondsSince(row.oldest, now) : null,
    fenceHeldSeconds: row.fence_held_since ? secondsSince(row.fence_held_since, now) : null,
    failedAttempts: row.failed_attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    lastStatusCode: row.last_status_code,
    deadLetters: Number(row.dead_letters),
    heldEvents: Number(row.held_events),
    unauthorized: row.failed_attempts > 0 && isUnauthorizedStatus(row.last_status_code),
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
  }));
}
