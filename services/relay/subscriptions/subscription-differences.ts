import type { Subscription, SubscriptionInput } from './subscription.js';

/** What `subscriptions add` compares when the name exists: the settings a caller asks for. */
export type StoredSettings = Pick<
  Subscription,
  'endpointUrl' | 'eventTypes' | 'partitions' | 'dedupeWindowMs'
> & {
  secret: string;
};

/**
 * The options (named as the CLI names them) in which adding `input` again differs from the stored
 * subscription; none means the add is a repeat and changes nothing, so a deployment script may run
 * it on every start. The secret counts only when given (otherwise a fresh one is generated, which
 * would differ every time); `--from` is where a new stream starts, nothing an existing one has.
 */
export function subscriptionDifferences(
  stored: StoredSettings,
  input: SubscriptionInput,
  secretGiven: boolean,
): string[] {
  const differences: string[] = [];
  if (stored.endpointUrl !== input.endpointUrl) differences.push('url');
  const types = (list: string[]) => [...new Set(list)].sort().join(',');
  if (types(stored.eventTypes) !== types(input.eventTypes)) differences.push('--events');
  if (stored.partitions !== (input.partitions ?? 1)) differences.push('--partitions');
  if (input.dedupeWindowMs !== undefined && stored.dedupeWindowMs !== input.dedupeWindowMs)
    differences.push('--dedupe-window');
  if (secretGiven && stored.secret !== input.secret) differences.push('--secret');
  return differences;
}
