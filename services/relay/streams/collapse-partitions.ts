import type { Checkpoint } from './checkpoint.js';
import { compareCheckpoints } from './compare-checkpoints.js';
import type { StreamStatus } from './read-stream-status.js';

/** A stream's state in one word, worst first: what `outbox status` shows. */
export type StreamStateName = 'disabled' | 'unauthorized' | 'retrying' | 'fenced' | 'ok';

const WORST_FIRST: readonly StreamStateName[] = ['disabled', 'unauthorized', 'retrying', 'fenced', 'ok'];

export function streamState(stream: StreamStatus): StreamStateName {
  if (!stream.enabled) return 'disabled';
  if (stream.unauthorized) return 'unauthorized';
  if (stream.failedAttempts > 0) return 'retrying';
  return stream.fenceHeldSeconds === null ? 'ok' : 'fenced';
}

/** A subscription's partitions summed up: one row of `outbox status`, one label of the metrics. */
export type SubscriptionStatus = {
  name: string;
  partitions: number;
  enabled: boolean;
  disabledReason: string | null;
  /** The worst state of its partitions. */
  state: StreamStateName;
  /** The lowest of the partitions' checkpoints: every event up to it is done with in every partition. */
  checkpoint: Checkpoint;
  /** Summed over the partitions. */
  backlog: number;
  deadLetters: number;
  heldEvents: number;
  /** The largest of the partitions'. */
  lagSeconds: number | null;
  fenceHeldSeconds: number | null;
  failedAttempts: number;
  /** The partition in the worst state, the one whose error and retry the row shows. */
  worst: StreamStatus;
  unauthorized: boolean;
  /** Distinct live lease owners of its partitions, sorted; partitions nobody holds are not counted. */
  owners: string[];
  /** Partitions without a live owner. */
  unowned: number;
};

const max = (values: (number | null)[]): number | null => {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : Math.max(...present);
};

/**
 * One row per subscription from its streams (given in subscription then partition order, as
 * readStreamStatus returns them). Sums for counts, the maximum for ages, the worst state: an
 * operator reads one line and sees whether anything of the subscription needs a look.
 */
export function collapsePartitions(streams: readonly StreamStatus[]): SubscriptionStatus[] {
  const bySubscription = new Map<string, StreamStatus[]>();
  for (const stream of streams) {
    const group = bySubscription.get(stream.name) ?? [];
    group.push(stream);
    bySubscription.set(stream.name, group);
  }
  return [...bySubscription.values()].map((group) => {
    const rank = (stream: StreamStatus) => WORST_FIRST.indexOf(streamState(stream));
    const worst = group.reduce((a, b) => (rank(b) < rank(a) ? b : a));
    const owners = [...new Set(group.map((stream) => stream.leaseOwner).filter((owner) => owner !== null))];
    return {
      name: worst.name,
      partitions: worst.partitions,
      enabled: worst.enabled,
      disabledReason: worst.disabledReason,
      state: streamState(worst),
      checkpoint: group
        .map((stream) => stream.checkpoint)
        .reduce((a, b) => (compareCheckpoints(b, a) < 0 ? b : a)),
      backlog: group.reduce((sum, stream) => sum + stream.backlog, 0),
      deadLetters: group.reduce((sum, stream) => sum + stream.deadLetters, 0),
      heldEvents: group.reduce((sum, stream) => sum + stream.heldEvents, 0),
      lagSeconds: max(group.map((stream) => stream.lagSeconds)),
      fenceHeldSeconds: max(group.map((stream) => stream.fenceHeldSeconds)),
      failedAttempts: Math.max(...group.map((stream) => stream.failedAttempts)),
      worst,
      unauthorized: group.some((stream) => stream.unauthorized),
      owners: owners.sort(),
      unowned: group.filter((stream) => stream.leaseOwner === null).length,
    };
  });
}
