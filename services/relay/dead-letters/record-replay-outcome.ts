import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/database.js';

export type ReplayOutcome =
  { ok: true; at: Date } | { ok: false; at: Date; error: string; statusCode: number | null };

/**
 * A replay is one attempt: delivered, the dead letter is marked replayed (kept as history); failed,
 * it goes back to parked with the new error and one more attempt, for the operator to decide.
 */
export async function recordReplayOutcome(db: Kysely<DB>, id: string, outcome: ReplayOutcome): Promise<void> {
  const update = outcome.ok
    ? { replayed_at: outcome.at, replay_requested_at: null }
    : {
        replay_requested_at: null,
        error: outcome.error,
        status_code: outcome.statusCode,
        last_attempt_at: outcome.at,
        attempts: sql<number>`attempts + 1`,
      };
  await db.updateTable('dead_letters').set(update).where('id', '=', id).execute();
}
