import type { SubscriptionStatus } from '../relay/streams/collapse-partitions.js';
import { formatAge, plural } from './format.js';

/** What `outbox status --check` answers an alerting script: its exit code says how bad. */
export type CheckLevel = 'ok' | 'warning' | 'critical';

export const CHECK_EXIT_CODES: Record<CheckLevel, number> = { ok: 0, warning: 1, critical: 2 };

export type CheckProblem = { level: Exclude<CheckLevel, 'ok'>; subscription: string; reason: string };

export type CheckVerdict = {
  level: CheckLevel;
  exitCode: number;
  /** One line, worst first: "CRITICAL billing: 3 dead letters; WARNING email: retrying (...)". */
  line: string;
  problems: CheckProblem[];
};

export type CheckThresholds = {
  /** Lag (age of the oldest undelivered event) above this warns. */
  maxLagSeconds: number;
  /** A fence holding a stream back longer than this warns (a write in flight holds it for ms). */
  maxFenceHeldSeconds: number;
};

/**
 * The problems of one subscription (its partitions collapsed). Critical: nothing reaches the
 * subscriber without an operator (disabled, refused signatures, dead letters waiting). Warning: it
 * may heal by itself (retrying, a fence held, lag).
 */
function problemsOf(s: SubscriptionStatus, limits: CheckThresholds): CheckProblem[] {
  const critical: string[] = [];
  const warning: string[] = [];
  if (!s.enabled) critical.push(s.disabledReason ? `disabled (${s.disabledReason})` : 'disabled');
  if (s.unauthorized)
    critical.push(`unauthorized (HTTP ${s.worst.lastStatusCode}: the subscriber refuses the signature)`);
  if (s.deadLetters > 0)
    critical.push(
      plural(s.deadLetters, 'dead letter') + (s.heldEvents > 0 ? ` (${s.heldEvents} held behind)` : ''),
    );
  if (s.enabled) {
    if (s.failedAttempts > 0 && !s.unauthorized) {
      const status = s.worst.lastStatusCode ? `HTTP ${s.worst.lastStatusCode}` : 'network';
      warning.push(`retrying (${plural(s.failedAttempts, 'failed attempt')}, ${status})`);
    }
    if (s.fenceHeldSeconds !== null && s.fenceHeldSeconds > limits.maxFenceHeldSeconds)
      warning.push(`fence held ${formatAge(s.fenceHeldSeconds)}`);
    if (s.lagSeconds !== null && s.lagSeconds > limits.maxLagSeconds)
      warning.push(`lag ${formatAge(s.lagSeconds)} over ${formatAge(limits.maxLagSeconds)}`);
  }
  return [
    ...(critical.length
      ? [{ level: 'critical' as const, subscription: s.name, reason: critical.join(', ') }]
      : []),
    ...(warning.length
      ? [{ level: 'warning' as const, subscription: s.name, reason: warning.join(', ') }]
      : []),
  ];
}

/** The verdict over every subscription: the worst level decides the exit code. */
export function checkVerdict(
  subscriptions: readonly SubscriptionStatus[],
  limits: CheckThresholds,
): CheckVerdict {
  const problems = subscriptions.flatMap((s) => problemsOf(s, limits));
  problems.sort((a, b) => (a.level === b.level ? 0 : a.level === 'critical' ? -1 : 1));
  const level: CheckLevel = problems[0]?.level ?? 'ok';
  const line =
    problems.length === 0
      ? `OK: ${plural(subscriptions.length, 'subscription')}, all healthy`
      : problems.map((p) => `${p.level.toUpperCase()} ${p.subscription}: ${p.reason}`).join('; ');
  return { level, exitCode: CHECK_EXIT_CODES[level], line, problems };
}
