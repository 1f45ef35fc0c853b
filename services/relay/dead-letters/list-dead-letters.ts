import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
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

/** The options' conditions on the dead letters named `d`, for the list and its count alike. */
function matching(options: DeadLetterListOptions) {
  return (eb: ExpressionBuilder<DB & { d: DB['dead_letters'] }, 'd'>) => {
    const conditions = [];
    if (options.subscription) conditions.push(eb('d.subscription_name', '=', options.subscription));
    if (options.partition !== undefined) conditions.push(eb('d.partition', '=', options.partition));
    if (options.filter) conditions.push(filterCondition('d', options.filter));
    if (!options.includeReplayed) conditions.push(eb('d.replayed_at', 'is', null));
    if (!options.includeHeld)
      conditions.push(eb.or([eb('d.held', '=', false), eb('d.replayed_at', 'is not', null)]));
    return eb.and(conditions);
  };
}

/** Dead letters in stream order, by subscription and partition (the first `limit` when given). */
export async function listDeadLetters(
  db: Kysely<DB>,
  options: DeadLetterListOptions & { limit?: number } = {},
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
    .where(matching(options))
    .orderBy('d.subscription_name')
    .orderBy('d.partition')
    .orderBy('d.tx_id')
    .orderBy('d.position');
  if (options.limit !== undefined) query = query.limit(options.limit);
  const rows = await query.execute();
  return rows.map((row) => ({
    ...toDeadLetter(row),
    heldBehind: row.replayed_at || row.held ? 0 : Number(row.held_behind ?? 0),
  }));
}

/** How many dead letters listDeadLetters would list without a limit. */
export async function countDeadLetters(db: Kysely<DB>, options: DeadLetterListOptions = {}): Promise<number> {
  const row = await db
    .selectFrom('dead_letters as d')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where(matching(options))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
