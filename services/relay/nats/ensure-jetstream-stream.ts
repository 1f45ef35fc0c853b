import {
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { millis, nanos } from '@nats-io/transport-node';
import type { NatsEndpoint } from '../../common/nats/nats-endpoint.js';
import { allEventSubjects } from '../../common/nats/subjects.js';
import { judgeExistingStream } from './stream-verdict.js';

export type EnsuredStream =
  | {
      ok: true;
      created: boolean;
      /** The stream's max_msg_size (-1: none): a larger message is refused before it is sent. */
      maxMessageBytes: number;
      /** Settings of an existing stream that differ from the URL's but do no harm. */
      warnings: string[];
    }
  | { ok: false; error: string };

const RETENTION = { limits: RetentionPolicy.Limits } as const;

/**
 * Creates the endpoint's stream when it does not exist (its subjects `<prefix>.>`, the URL's
 * retention, max age and duplicate window, file storage), or checks the one that does
 * (stream-verdict.ts). Never throws: a server error comes back as the refusal's message.
 */
export async function ensureJetStreamStream(
  jsm: JetStreamManager,
  endpoint: NatsEndpoint,
): Promise<EnsuredStream> {
  try {
    const info = await jsm.streams.info(endpoint.stream);
    const verdict = judgeExistingStream(
      {
        name: info.config.name,
        subjects: info.config.subjects ?? [],
        retention: info.config.retention,
        storage: info.config.storage,
        maxAgeMs: millis(info.config.max_age),
        duplicateWindowMs: millis(info.config.duplicate_window),
      },
      endpoint,
    );
    if (!verdict.ok) return verdict;
    return {
      ok: true,
      created: false,
      maxMessageBytes: info.config.max_msg_size,
      warnings: verdict.warnings,
    };
  } catch (error) {
    const notFound = error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound;
    if (!notFound)
      return { ok: false, error: `cannot read JetStream stream ${endpoint.stream}: ${describe(error)}` };
  }
  try {
    const info = await jsm.streams.add({
      name: endpoint.stream,
      subjects: [allEventSubjects(endpoint.subjectPrefix)],
      retention: RETENTION[endpoint.retention],
      storage: StorageType.File,
      max_age: nanos(endpoint.maxAgeMs),
      duplicate_window: nanos(endpoint.duplicateWindowMs),
    });
    return { ok: true, created: true, maxMessageBytes: info.config.max_msg_size, warnings: [] };
  } catch (error) {
    return { ok: false, error: `cannot create JetStream stream ${endpoint.stream}: ${describe(error)}` };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
