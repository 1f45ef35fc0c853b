import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { Checkpoint } from './checkpoint.js';
import { prepared } from '../../common/db/prepared-statements.js';
import type { StreamKey } from './partition.js';

/** What a stream worker needs to take its next step: the subscription and the stream's state. */
export type StreamState = {
  name: string;
  /** The partition of its subscription this stream carries (a NATS subject names it). */
  partition: number;
  /** The subscription's partition count: which events are this partition's. */
  partitions: number;
  endpointUrl: string;
  eventTypes: string[];
  /**
   * The secrets to sign with: the subscription's, then its previous one while a rotation's overlap
   * lasts (by the database's clock, which every relay instance shares).
   */
  secrets: string[];
  enabled: boolean;
  leaseOwner: string | null;
  checkpoint: Checkpoint;
  failedAttempts: number;
  batchAttempts: number;
  batchLimit: number | null;
  nextAttemptAt: Date | null;
  firstFailedAt: Date | null;
  /** Some dead letter of this partition is not replayed yet, so its order's later events are held. */
  openDeadLetters: boolean;
  /** A dead letter of this partition waits to be replayed (read with the stream: one query per step). */
  replayPending: boolean;
};

export async function loadStream(db: Kysely<DB>, key: StreamKey): Promise<StreamState | undefined> {
  const row = await db
    .selectFrom('relay_streams as r')
    .innerJoin('subscriptions as s', 's.name', 'r.subscription_name')
    .select([
      's.name',
      'r.partition',
      's.partitions',
      's.endpoint_url',
      's.event_types',
      's.secret',
      sql<string | null>`case when s.previous_secret_until > now() then s.previous_secret end`.as(
        'previous_secret',
      ),
      's.enabled',
      'r.lease_owner',
      sql<string>`r.checkpoint_tx_id::text`.as('checkpoint_tx_id'),
      'r.checkpoint_position',
      'r.failed_attempts',
      'r.batch_attempts',
      'r.batch_limit',
      'r.next_attempt_at',
      'r.first_failed_at',
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('dead_letters as d')
              .select(eb.lit(1).as('one'))
              .whereRef('d.subscription_name', '=', 'r.subscription_name')
              .whereRef('d.partition', '=', 'r.partition')
              .where('d.replayed_at', 'is', null),
          )
          .as('open_dead_letters'),
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('dead_letters as d')
              .select(eb.lit(1).as('one'))
              .whereRef('d.subscription_name', '=', 'r.subscription_name')
              .whereRef('d.partition', '=', 'r.partition')
              .where('d.replay_requested_at', 'is not', null)
              .where('d.replayed_at', 'is', null),
          )
          .as('replay_pending'),
    ])
    .where('r.subscription_name', '=', key.subscription)
    .where('r.partition', '=', key.partition)
    .modifyEnd(prepared)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    name: row.name,
    partition: row.partition,
    partitions: row.partitions,
    endpointUrl: row.endpoint_url,
    eventTypes: row.event_types,
    secrets: row.previous_secret === null ? [row.secret] : [row.secret, row.previous_secret],
    enabled: row.enabled,
    leaseOwner: row.lease_owner,
    checkpoint: { txId: row.checkpoint_tx_id, position: String(row.checkpoint_position) },
    failedAttempts: row.failed_attempts,
    batchAttempts: row.batch_attempts,
    batchLimit: row.batch_limit,
    nextAttemptAt: row.next_attempt_at,
    firstFailedAt: row.first_failed_at,
    openDeadLetters: Boolean(row.open_dead_letters),
    replayPending: Boolean(row.replay_pending),
  };
}
