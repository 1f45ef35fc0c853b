import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';

export type RelayInstance = {
  id: string;
  startedAt: Date;
  heartbeatAt: Date;
  /** Its registration lapses then unless it heartbeats again; past it, the instance is gone. */
  expiresAt: Date;
  alive: boolean;
  /** Streams whose lease it holds now (unexpired). */
  leases: number;
};

/** The relay instances that registered (alive or lately gone), with the leases each holds, oldest first. */
export async function listRelayInstances(db: Kysely<DB>): Promise<RelayInstance[]> {
  const rows = await db
    .selectFrom('relay_instances as i')
    .leftJoin('relay_streams as s', (join) =>
      join.onRef('s.lease_owner', '=', 'i.id').on('s.lease_expires_at', '>', sql<Date>`now()`),
    )
    .select(['i.id', 'i.started_at', 'i.heartbeat_at', 'i.expires_at'])
    .select(sql<boolean>`i.expires_at > now()`.as('alive'))
    .select((eb) => eb.fn.count<string>('s.subscription_name').as('leases'))
    .groupBy(['i.id', 'i.started_at', 'i.heartbeat_at', 'i.expires_at'])
    .orderBy('i.started_at')
    .orderBy('i.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
    expiresAt: row.expires_at,
    alive: row.alive,
    leases: Number(row.leases),
  }));
}
