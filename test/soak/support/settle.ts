export type SettleRules<T> = {
  /** What the wait is for. */
  done: (figures: T) => boolean;
  /**
   * Whether nothing is still under way (no backlog, no replay pending): if so and the figures stay
   * the same for `quietMs`, nothing more will come and waiting longer is pointless.
   */
  idle: (figures: T) => boolean;
  quietMs: number;
  timeoutMs: number;
  pollMs?: number;
};

export type Settled<T> = { figures: T | undefined; outcome: 'done' | 'quiet' | 'timeout'; waitedMs: number };

/**
 * Polls `read` until its figures are `done`, or have stopped moving with nothing under way, or the
 * timeout. A failing read (PostgreSQL restarting) is polled again. The caller judges the figures
 * either way: a run that settles short of done fails on what is missing, in seconds, rather than
 * after the whole timeout.
 */
export async function settle<T>(read: () => Promise<T>, rules: SettleRules<T>): Promise<Settled<T>> {
  const started = Date.now();
  let figures: T | undefined;
  let unchangedSince = started;
  let last = '';
  for (;;) {
    try {
      figures = await read();
      const now = JSON.stringify(figures);
      if (now !== last) unchangedSince = Date.now();
      last = now;
      if (rules.done(figures)) return { figures, outcome: 'done', waitedMs: Date.now() - started };
      if (rules.idle(figures) && Date.now() - unchangedSince >= rules.quietMs)
        return { figures, outcome: 'quiet', waitedMs: Date.now() - started };
    } catch {
      // PostgreSQL may be restarting: read again.
    }
    if (Date.now() - started >= rules.timeoutMs)
      return { figures, outcome: 'timeout', waitedMs: Date.now() - started };
    await new Promise((resolve) => setTimeout(resolve, rules.pollMs ?? 1_000));
  }
}
