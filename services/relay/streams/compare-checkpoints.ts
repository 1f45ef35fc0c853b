import type { Checkpoint } from './checkpoint.js';

/** Stream order, (tx_id, position): negative when `a` comes before `b`, 0 when equal, positive after. */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const sign = (difference: bigint) => (difference < 0n ? -1 : difference > 0n ? 1 : 0);
  return sign(BigInt(a.txId) - BigInt(b.txId)) || sign(BigInt(a.position) - BigInt(b.position));
}
