import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { filterCondition, type DeadLetterFilter } from './dead-letter-filter.js';
import { toDeadLetter, type DeadLetter } from './dead-letter.js';

/** A dead letter as listed: with the number of its order's later events held behind it. */
export type ListedDeadLetter = DeadLetter & { heldBehind: number };

export type DeadLetterListOptions = {
  subscription?: string;
  /** Only this partition's (of every subscription listed). */
  partition?: number;
  /** Letters already replayed too (history). */
  includeReplayed?: boolean;
  /** Held letters as rows of their own too (by default they are only counted on their parked one). */
  includeHeld?: boolean;
  /** Only the letters matching it (type, status, error, since). */
  filter?: DeadLetterFilter;
};

/** Dead letters in stream order, by subscription and partition. */
export async function listDeadLetters(
  db: Kysely<DB>,
  options: DeadLetterListOptions = {},
): Promise<ListedDeadLetter[]> {
  let query = db
    .selectFrom('dead_letters as d')
    .selectAll('d')
    .select(sql<string>`d.tx_id::text`.as('tx_id'))
    .select((eb) =>
      eb
        .selectFrom('dead_letters as f')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('f.subscription_name', '=', 'd.subscription_name')
        .whereRef('f.aggregate_id', '=', 'd.aggregate_id')
        .where('f.held', '=', true)
        .where('f.replayed_at', 'is', null)
        .where(sql<boolean>`(f.tx_id, f.position) > (d.tx_id, d.position)`)
        .as('held_behind'),
    )
    .orderBy('d.subscription_name')
    .orderBy('d.partition')
    .orderBy('d.tx_id')
    .orderBy('d.position');
  if (options.subscription) query = query.where('d.subscription_name', '=', options.subscription);
  if (options.partition !== undefined) query = query.where('d.partition', '=', options.partition);
  if (options.filter) query = query.where(filterCondition('d', options.filter));
  if (!options.includeReplayed) query = query.where('d.replayed_at', 'is', null);
  if (!options.includeHeld)
    query = query.where((eb) => eb.or([eb('d.held', '=', false), eb('d.replayed_at', 'is not', null)]));
  const rows = await query.execute();
  return rows.map((row) => ({
    ...toDeadLetter(row),
    heldBehind: row.replayed_at || row.held ? 0 : Number(row.held_behind ?? 0),
  }));
}
