import type { Kysely } from 'kysely';
import { listDeadLetters } from '../../../services/relay/dead-letters/list-dead-letters.js';
import { collapsePartitions } from '../../../services/relay/streams/collapse-partitions.js';
import { readStreamStatus } from '../../../services/relay/streams/read-stream-status.js';
import { createDb } from '../../../services/common/db/create-db.js';
import type { DB } from '../../../services/common/db/database.js';
import type { InboxAudit } from '../../e2e/support/inbox-audit.js';

/** Where the whole system stands, for waiting on it. */
export type SystemFigures = {
  /** Committed events not yet passed, per subscription (its partitions summed). */
  backlog: Record<string, number>;
  /** Dead letters an operator asked to replay that the relay has not replayed yet. */
  replaysPending: number;
  /** Committed events some subscriber's inbox does not have yet. */
  missing: number;
};

export const totalBacklog = (figures: SystemFigures) =>
  Object.values(figures.backlog).reduce((sum, backlog) => sum + backlog, 0);

/**
 * Reads those figures straight from PostgreSQL, with the relay's own status queries: cheap enough
 * to poll every second, where running the CLI each time would cost a process start (the figures
 * the soak asserts come from the CLI itself, once).
 */
export class SystemProbe {
  private readonly db: Kysely<DB>;

  constructor(
    databaseUrl: string,
    private readonly audit: InboxAudit,
  ) {
    this.db = createDb({ connectionString: databaseUrl, max: 1 });
  }

  async read(): Promise<SystemFigures> {
    const streams = await readStreamStatus(this.db, new Date());
    const letters = await listDeadLetters(this.db);
    const inbox = await this.audit.figures();
    return {
      backlog: Object.fromEntries(collapsePartitions(streams).map((s) => [s.name, s.backlog])),
      replaysPending: letters.filter((letter) => letter.state === 'replay-requested').length,
      missing: inbox.reduce((sum, figures) => sum + figures.missing, 0),
    };
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
