import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { OUTBOX_NOTIFY_CHANNEL } from '../../common/events/outbox-notify.js';
import type { Logger } from '../../common/logger.js';

export type OutboxNotifier = {
  /** Call after a commit that appended events. Never waits, never throws. */
  notify(): void;
  /** Resolves once no NOTIFY is in flight or owed (for a clean shutdown). */
  drain(): Promise<void>;
};

/**
 * Wakes the relay after commits (NOTIFY inside the write transaction serialises commits,
 * so it goes after them, as a hint: a failure is logged and the relay's poll picks the events up).
 *
 * Coalesced: at most one NOTIFY in flight. Commits that land meanwhile owe one more, sent when the
 * current one returns, so the last NOTIFY always follows every commit that asked for it, and at a
 * thousand commands a second the relay gets a handful of wake-ups instead of a thousand (each a
 * round trip on the command path, and a queue entry every listener must read).
 */
export function createOutboxNotifier(db: Kysely<DB>, logger: Logger): OutboxNotifier {
  let inFlight: Promise<void> | null = null;
  let owed = false;

  const send = async (): Promise<void> => {
    do {
      owed = false;
      try {
        await sql`select pg_notify(${OUTBOX_NOTIFY_CHANNEL}, '')`.execute(db);
      } catch (error) {
        logger.warn({ err: error }, 'outbox notify failed; the relay will poll');
      }
    } while (owed);
    inFlight = null;
  };

  return {
    notify() {
      if (inFlight) owed = true;
      else inFlight = send();
    },
    drain: async () => {
      while (inFlight) await inFlight;
    },
  };
}
