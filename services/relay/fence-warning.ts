import type { FenceHold } from './streams/read-fence-hold.js';

export type FenceWarning =
  | { kind: 'quiet' }
  /** Held past the threshold by a transaction not warned about yet: say who holds it. */
  | { kind: 'warn'; fenceTxId: string; heldForMs: number; subscriptions: string[] }
  /** The fence warned about holds nothing back any more. */
  | { kind: 'released'; fenceTxId: string };

/**
 * What the relay's fence watch says after a look: one warning per holding transaction once it has
 * held a stream back `warnAfterMs` (measured from the first event it hides), and one line when
 * the streams are free again. `warned` is the fence warned about last, null when none is.
 */
export function decideFenceWarning(
  warned: string | null,
  hold: FenceHold,
  nowMs: number,
  warnAfterMs: number,
): { warned: string | null; warning: FenceWarning } {
  if (hold.held.length === 0)
    return warned === null
      ? { warned, warning: { kind: 'quiet' } }
      : { warned: null, warning: { kind: 'released', fenceTxId: warned } };
  const since = Math.min(...hold.held.map((stream) => stream.since.getTime()));
  const heldForMs = Math.max(0, nowMs - since);
  if (heldForMs < warnAfterMs || warned === hold.fenceTxId) return { warned, warning: { kind: 'quiet' } };
  return {
    warned: hold.fenceTxId,
    warning: {
      kind: 'warn',
      fenceTxId: hold.fenceTxId,
      heldForMs,
      subscriptions: hold.held.map((stream) => stream.subscription),
    },
  };
}
