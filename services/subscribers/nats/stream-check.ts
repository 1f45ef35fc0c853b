import {
  jetstreamManager,
  JetStreamApiError,
  type JetStreamManager,
  type StreamInfo,
} from '@nats-io/jetstream';
import type { Logger } from '../../common/logger.js';
import type { NatsEndpoint } from '../../common/nats/nats-endpoint.js';
import { allEventSubjects, subjectCoversPrefix } from '../../common/nats/subjects.js';
import type { NatsConnection } from '@nats-io/transport-node';

/** Thrown when the stream holds events this source would never consume: the service must not start. */
export class EventSourceRefused extends Error {
  override name = 'EventSourceRefused';
}

const STREAM_NOT_FOUND = 10059;

/**
 * Waits for the stream (the relay creates it; a subscriber started first waits, saying so, rather
 * than crash), then checks it: its subjects must cover the prefix, and no event may sit on a
 * partition at or above ours (the relay's subscription has more partitions than this source
 * consumes: those events would never be applied). `stopped` ends the wait.
 */
export async function waitForStream(
  nc: NatsConnection,
  endpoint: NatsEndpoint,
  logger: Logger,
  stopped: () => boolean,
): Promise<{ jsm: JetStreamManager; info: StreamInfo } | undefined> {
  const jsm = await jetstreamManager(nc);
  const subjects = allEventSubjects(endpoint.subjectPrefix);
  for (let attempt = 1; !stopped(); attempt++) {
    let info: StreamInfo;
    try {
      info = await jsm.streams.info(endpoint.stream, { subjects_filter: subjects });
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === STREAM_NOT_FOUND)) throw error;
      logger.warn(
        { stream: endpoint.stream, attempt },
        `NATS stream ${endpoint.stream} does not exist yet (the relay creates it); waiting`,
      );
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** (attempt - 1))));
      continue;
    }
    checkStream(info, endpoint);
    return { jsm, info };
  }
  return undefined;
}

export function checkStream(info: StreamInfo, endpoint: NatsEndpoint): void {
  const wanted = allEventSubjects(endpoint.subjectPrefix);
  // The relay's test of an existing stream, so that a stream it publishes to is one this takes.
  if (!(info.config.subjects ?? []).some((subject) => subjectCoversPrefix(subject, endpoint.subjectPrefix))) {
    throw new EventSourceRefused(
      `NATS stream ${endpoint.stream} takes ${JSON.stringify(info.config.subjects)}, not ${wanted}: ` +
        'the event source URL names another subject prefix than the relay publishes on',
    );
  }
  const beyond = Object.entries(info.state.subjects ?? {})
    .filter(([subject]) => partitionOf(subject, endpoint.subjectPrefix) >= endpoint.partitions)
    .map(([subject, count]) => `${subject} (${count})`);
  if (beyond.length > 0) {
    throw new EventSourceRefused(
      `NATS stream ${endpoint.stream} has events on partitions this source does not consume ` +
        `(it consumes ${endpoint.partitions}: partitions=${endpoint.partitions}): ${beyond.join(', ')}. ` +
        'The relay subscription has more partitions than this source consumes; set partitions= to its count.',
    );
  }
}

function partitionOf(subject: string, prefix: string): number {
  return Number(subject.slice(prefix.length + 1).split('.')[0]);
}
