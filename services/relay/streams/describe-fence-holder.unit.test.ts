import { describe, expect, it } from '@jest/globals';
import { describeFenceHolder } from './describe-fence-holder.js';
import type { FenceHolder } from './read-fence-holder.js';

const now = new Date('2026-11-29T12:00:00Z');
const before = (seconds: number) => new Date(now.getTime() - seconds * 1_000);

describe('the fence holder in words', () => {
  it.each<[string, FenceHolder, string]>([
    [
      'a session, fully shown',
      {
        kind: 'session',
        txId: '1234',
        pid: 4242,
        applicationName: 'psql',
        userName: 'outbox',
        state: 'idle in transaction',
        transactionStartedAt: before(125),
      },
      'pid 4242 (application_name "psql", user outbox, idle in transaction, transaction open 125s), transaction 1234',
    ],
    [
      'a session of another role, whose state this role is not shown',
      {
        kind: 'session',
        txId: '1234',
        pid: 4242,
        applicationName: '',
        userName: 'batch',
        state: null,
        transactionStartedAt: null,
      },
      'pid 4242 (application_name "", user batch, state and age hidden from this role (grant it pg_read_all_stats)), transaction 1234',
    ],
    [
      'a prepared transaction',
      { kind: 'prepared', txId: '77', gid: 'tx-9', owner: 'outbox', preparedAt: before(60) },
      'prepared transaction "tx-9" (owner outbox, prepared 60s ago; COMMIT PREPARED or ROLLBACK PREPARED ends it, from this database), transaction 77',
    ],
    [
      'a transaction nobody shows',
      { kind: 'unknown', txId: '88' },
      'transaction 88, found neither in pg_stat_activity nor in pg_prepared_xacts (it has just ended, or this role is not shown it)',
    ],
  ])('%s', (_case, holder, expected) => {
    expect(describeFenceHolder(holder, now)).toBe(expected);
  });

  it('formats ages as it is told', () => {
    const holder: FenceHolder = { kind: 'prepared', txId: '1', gid: 'g', owner: 'o', preparedAt: before(90) };
    expect(describeFenceHolder(holder, now, (s) => `${s / 60} min`)).toContain('prepared 1.5 min ago');
  });
});
