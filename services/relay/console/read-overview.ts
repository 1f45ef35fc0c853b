import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { collapsePartitions, streamState, type StreamStateName } from '../streams/collapse-partitions.js';
import { describeFenceHolder } from '../streams/describe-fence-holder.js';
import { formatCheckpoint } from '../streams/checkpoint.js';
import { listRelayInstances, type RelayInstance } from '../streams/list-relay-instances.js';
import { isHeld, readStatus } from '../streams/read-status.js';
import type { StreamStatus } from '../streams/read-stream-status.js';

/** One stream (a partition of a subscription) as the console shows it: its status, in words where the CLI has them. */
type StreamView = Pick<
  StreamStatus,
  | 'partition'
  | 'backlog'
  | 'lagSeconds'
  | 'failedAttempts'
  | 'nextAttemptAt'
  | 'lastError'
  | 'lastStatusCode'
  | 'deadLetters'
  | 'heldEvents'
  | 'fenceHeldSeconds'
> & { state: StreamStateName; checkpoint: string; owner: string | null };

export type SubscriptionView = Omit<StreamView, 'partition' | 'owner'> &
  Pick<
    StreamStatus,
    'name' | 'endpointUrl' | 'eventTypes' | 'enabled' | 'disabledReason' | 'unauthorized'
  > & {
    owners: string[];
    /** Partitions no live instance holds the lease of (waiting for one to take them). */
    unowned: number;
    partitions: StreamView[];
  };

export type ConsoleOverview = {
  generatedAt: Date;
  /** The instance that answered (the one whose admin port this is). */
  servedBy: string;
  subscriptions: SubscriptionView[];
  /** Who holds the fence, in words, when it holds a stream back. */
  fence: { heldBy: string; txId: string; subscriptions: string[] } | null;
  instances: RelayInstance[];
};

function streamView(stream: StreamStatus): StreamView {
  return {
    partition: stream.partition,
    state: streamState(stream),
    checkpoint: formatCheckpoint(stream.checkpoint),
    backlog: stream.backlog,
    lagSeconds: stream.lagSeconds,
    failedAttempts: stream.failedAttempts,
    nextAttemptAt: stream.nextAttemptAt,
    lastError: stream.lastError,
    lastStatusCode: stream.lastStatusCode,
    deadLetters: stream.deadLetters,
    heldEvents: stream.heldEvents,
    owner: stream.leaseOwner,
    fenceHeldSeconds: stream.fenceHeldSeconds,
  };
}

/**
 * What the console's live view shows, from the same reads as `outbox status`: each subscription
 * (its partitions collapsed as the CLI collapses them, and each partition), who holds the fence,
 * the relay instances and their leases. No secret is read.
 */
export async function readOverview(db: Kysely<DB>, servedBy: string, now: Date): Promise<ConsoleOverview> {
  const [{ streams, holder }, instances] = await Promise.all([readStatus(db, now), listRelayInstances(db)]);
  const subscriptions = collapsePartitions(streams).map((s): SubscriptionView => {
    const own = streams.filter((stream) => stream.name === s.name);
    const { partition: _partition, owner: _owner, ...worst } = streamView(s.worst);
    return {
      ...worst,
      name: s.name,
      endpointUrl: s.worst.endpointUrl,
      eventTypes: s.worst.eventTypes,
      enabled: s.enabled,
      disabledReason: s.disabledReason,
      unauthorized: s.unauthorized,
      state: s.state,
      checkpoint: formatCheckpoint(s.checkpoint),
      backlog: s.backlog,
      lagSeconds: s.lagSeconds,
      fenceHeldSeconds: s.fenceHeldSeconds,
      deadLetters: s.deadLetters,
      heldEvents: s.heldEvents,
      owners: s.owners,
      unowned: s.unowned,
      partitions: own.map(streamView),
    };
  });
  const held = streams.filter(isHeld);
  return {
    generatedAt: now,
    servedBy,
    subscriptions,
    fence: holder
      ? {
          heldBy: describeFenceHolder(holder, now),
          txId: holder.txId,
          subscriptions: [...new Set(held.map((stream) => stream.name))],
        }
      : null,
    instances,
  };
}
