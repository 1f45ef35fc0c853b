import type { FenceHolder } from './read-fence-holder.js';

const seconds = (from: Date, now: Date) => Math.max(0, (now.getTime() - from.getTime()) / 1_000);
const roundSeconds = (value: number) => `${Math.round(value)}s`;

/**
 * The holder in words, for `outbox status` and the relay's warning: what an operator needs to find
 * it (pid or gid, application, user) and to judge it (state, how long its transaction has been open).
 */
export function describeFenceHolder(
  holder: FenceHolder,
  now: Date,
  formatSeconds: (seconds: number) => string = roundSeconds,
): string {
  switch (holder.kind) {
    case 'session': {
      const who = [
        `application_name "${holder.applicationName}"`,
        ...(holder.userName ? [`user ${holder.userName}`] : []),
      ];
      const what =
        holder.state === null || holder.transactionStartedAt === null
          ? ['state and age hidden from this role (grant it pg_read_all_stats)']
          : [holder.state, `transaction open ${formatSeconds(seconds(holder.transactionStartedAt, now))}`];
      return `pid ${holder.pid} (${[...who, ...what].join(', ')}), transaction ${holder.txId}`;
    }
    case 'prepared':
      return (
        `prepared transaction "${holder.gid}" (owner ${holder.owner}, prepared ` +
        `${formatSeconds(seconds(holder.preparedAt, now))} ago; COMMIT PREPARED or ROLLBACK PREPARED ` +
        `ends it, from this database), transaction ${holder.txId}`
      );
    case 'unknown':
      return (
        `transaction ${holder.txId}, found neither in pg_stat_activity nor in pg_prepared_xacts ` +
        '(it has just ended, or this role is not shown it)'
      );
  }
}
