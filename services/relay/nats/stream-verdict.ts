import { formatDuration } from '../../common/duration.js';
import type { NatsEndpoint } from '../../common/nats/nats-endpoint.js';
import { allEventSubjects, subjectCoversPrefix } from '../../common/nats/subjects.js';

/** The settings of an existing JetStream stream that matter to the relay (durations in ms). */
export type ExistingStream = {
  name: string;
  subjects: readonly string[];
  retention: string;
  storage: string;
  maxAgeMs: number;
  duplicateWindowMs: number;
};

export type StreamVerdict = { ok: true; warnings: string[] } | { ok: false; error: string };

/**
 * An existing stream is used when it stores every subject the relay publishes on, keeps messages
 * by limits (not until a consumer took them) and drops republishes for at least as long as asked (the duplicate window is what makes a republished
 * batch store nothing twice). Anything else that differs from the URL is the operator's choice:
 * used as is, with a warning each.
 */
export function judgeExistingStream(existing: ExistingStream, wanted: NatsEndpoint): StreamVerdict {
  const subjects = allEventSubjects(wanted.subjectPrefix);
  if (!existing.subjects.some((subject) => subjectCoversPrefix(subject, wanted.subjectPrefix)))
    return {
      ok: false,
      error:
        `JetStream stream ${existing.name} exists but its subjects (${existing.subjects.join(', ') || 'none'}) ` +
        `do not cover ${subjects}: add ${subjects} to it, or name another stream with ?stream=`,
    };
  if (existing.duplicateWindowMs < wanted.duplicateWindowMs)
    return {
      ok: false,
      error:
        `JetStream stream ${existing.name} drops duplicates for ${formatDuration(existing.duplicateWindowMs)}, ` +
        `less than the duplicate-window of ${formatDuration(wanted.duplicateWindowMs)} asked: a republished ` +
        'batch could be stored twice. Raise its duplicate window, or ask for less with ?duplicate-window=',
    };
  if (existing.retention !== 'limits')
    return {
      ok: false,
      error:
        `JetStream stream ${existing.name} has ${existing.retention} retention: it can drop events no ` +
        'consumer has taken yet while acknowledging their publish. Use a stream with limits retention',
    };
  const warnings: string[] = [];
  if (existing.maxAgeMs !== wanted.maxAgeMs)
    warnings.push(
      `max age is ${existing.maxAgeMs === 0 ? 'unlimited' : formatDuration(existing.maxAgeMs)}, not ${formatDuration(wanted.maxAgeMs)}`,
    );
  if (existing.storage !== 'file') warnings.push(`storage is ${existing.storage}, not file`);
  return { ok: true, warnings };
}
