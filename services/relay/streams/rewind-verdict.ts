import type { Checkpoint } from './checkpoint.js';
import { compareCheckpoints } from './compare-checkpoints.js';
import type { OpenTransaction } from './open-transaction-behind.js';

/** What decides whether a stream's checkpoint may move from `from` to `to`. */
export type RewindFacts = {
  from: Checkpoint;
  to: Checkpoint;
  /** Events of the subscription's types between the two checkpoints (after the lower one, up to the higher). */
  eventsBetween: number;
  /** Of those, the events that occurred before now minus the subscription's dedupe window. */
  eventsBeyondDedupeWindow: number;
  /** The oldest transaction still open whose id is below `to`'s, if any. */
  openTransaction: OpenTransaction | undefined;
};

export type RewindRefusal =
  /** `to` is after `from`: the events between would never be delivered. */
  | { reason: 'forward'; undelivered: number }
  /** The open transaction's rows would commit behind `to`, never to be delivered. */
  | { reason: 'open-transaction'; transaction: OpenTransaction }
  /** Events delivered again that the subscriber may have forgotten (no --force). */
  | { reason: 'beyond-dedupe-window'; events: number; redelivered: number };

/**
 * Every reason not to move the checkpoint, none when it may move. A rewind only moves back (or stays
 * put), never to a point an open transaction could commit behind, and, unless forced, never delivers
 * again events older than the subscriber remembers. All reasons at once, so that an operator fixes
 * them in one go.
 */
export function rewindRefusals(facts: RewindFacts, force: boolean): RewindRefusal[] {
  const refusals: RewindRefusal[] = [];
  const forward = compareCheckpoints(facts.to, facts.from) > 0;
  if (forward) refusals.push({ reason: 'forward', undelivered: facts.eventsBetween });
  if (facts.openTransaction)
    refusals.push({ reason: 'open-transaction', transaction: facts.openTransaction });
  if (!forward && !force && facts.eventsBeyondDedupeWindow > 0)
    refusals.push({
      reason: 'beyond-dedupe-window',
      events: facts.eventsBeyondDedupeWindow,
      redelivered: facts.eventsBetween,
    });
  return refusals;
}
