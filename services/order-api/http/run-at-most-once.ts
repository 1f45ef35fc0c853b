import { isTransientDatabaseError, withTransientRetry } from '../../common/db/transient.js';

export type AtMostOnceCommand<Reply extends { ok: boolean }> = {
  /** One attempt: a single guarded statement, writing ids the request chose before its first attempt. */
  execute: () => Promise<Reply>;
  /** The reply of an earlier attempt that committed, found by those ids; undefined when none did. */
  findCommitted: () => Promise<Reply | undefined>;
};

/** What the first attempt left behind may be unknown; `recovered` says the reply is a found commit's. */
export type AtMostOnceResult<Reply> = { reply: Reply; recovered: boolean };

/**
 * Runs a command that has no Idempotency-Key, retrying transient database failures without ever
 * applying it twice or taking its own write for someone else's.
 *
 * A lost connection leaves an attempt's outcome unknown: the server may have committed it with only
 * the reply lost. Every attempt writes the same ids, so from then on each attempt first looks for
 * them, and a found commit's reply is the answer. An attempt that then runs and is refused, or
 * clashes with its own ids, may be seeing the lost attempt commit late (the server finishes a
 * statement whose client is gone), so that refusal is believed only once the ids are still absent.
 * The extra lookups happen only after a transient failure: the normal path stays one statement.
 * When the attempts run out, the last transient error is thrown: the outcome is still unknown.
 */
export async function runAtMostOnce<Reply extends { ok: boolean }>(
  command: AtMostOnceCommand<Reply>,
): Promise<AtMostOnceResult<Reply>> {
  let outcomeUnknown = false;
  const recovered = (reply: Reply) => ({ reply, recovered: true });
  return withTransientRetry(async () => {
    if (outcomeUnknown) {
      const committed = await command.findCommitted();
      if (committed) return recovered(committed);
    }
    try {
      const reply = await command.execute();
      if (outcomeUnknown && mayBeOwnLateCommit({ reply })) {
        const committed = await command.findCommitted();
        if (committed) return recovered(committed);
      }
      return { reply, recovered: false };
    } catch (error) {
      if (outcomeUnknown && mayBeOwnLateCommit({ error })) {
        const committed = await command.findCommitted();
        if (committed) return recovered(committed);
      }
      if (isTransientDatabaseError(error)) outcomeUnknown = true;
      throw error;
    }
  });
}

/**
 * Whether an attempt's outcome could be an earlier attempt of the same command showing through: a
 * refusal (the order already moved on, to where that attempt took it), or a unique violation (the
 * order id or event id that attempt wrote). Any other outcome is the attempt's own.
 */
export function mayBeOwnLateCommit(outcome: { reply: { ok: boolean } } | { error: unknown }): boolean {
  if ('reply' in outcome) return !outcome.reply.ok;
  return (outcome.error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}

const UNIQUE_VIOLATION = '23505';
