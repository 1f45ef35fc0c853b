import type { PlannedFault } from './fault-plan.js';

/** What became of one planned fault: when it started and ended (ms since the timeline began). */
export type FaultRecord = PlannedFault & { startedMs?: number; endedMs?: number; error?: string };

/**
 * Starts the planned faults as the orders go through (progress), each on its lane after the faults
 * before it on that lane, and records when each ran. A fault that throws is recorded, not rethrown,
 * so one broken fault neither stops its lane nor hides the figures of the run.
 */
export class FaultTimeline {
  readonly records: FaultRecord[];
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly queued = new Set<FaultRecord>();
  private abandoned = false;
  private readonly began: number;

  constructor(
    plan: PlannedFault[],
    private readonly run: (fault: PlannedFault) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {
    this.records = plan.map((fault) => ({ ...fault }));
    this.began = now();
  }

  /** `done` orders have gone through: starts every fault whose turn has come. */
  progress(done: number): void {
    if (this.abandoned) return;
    for (const record of this.records) {
      if (record.afterOrders > done || this.queued.has(record)) continue;
      this.queued.add(record);
      const lane = this.lanes.get(record.lane) ?? Promise.resolve();
      this.lanes.set(
        record.lane,
        lane.then(() => this.runOne(record)),
      );
    }
  }

  /** Starts what has not started yet and resolves once every fault has ended. */
  async finish(): Promise<FaultRecord[]> {
    this.progress(Number.POSITIVE_INFINITY);
    await Promise.all(this.lanes.values());
    return this.records;
  }

  /**
   * The run failed: start nothing more, and resolve once the faults under way have ended, so that
   * none acts on the system (say, restarts a service) after it was stopped.
   */
  async abandon(): Promise<void> {
    this.abandoned = true;
    await Promise.all(this.lanes.values());
  }

  private async runOne(record: FaultRecord): Promise<void> {
    if (this.abandoned) return;
    record.startedMs = this.now() - this.began;
    try {
      await this.run(record);
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    } finally {
      record.endedMs = this.now() - this.began;
    }
  }
}
