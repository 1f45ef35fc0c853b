import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { readFenceHolder, type FenceHolder } from './read-fence-holder.js';
import { readStreamStatus, type StreamStatus } from './read-stream-status.js';

/** The fence holds this enabled stream back (a disabled one waits on nothing). */
export const isHeld = (stream: StreamStatus) => stream.enabled && stream.fenceHeldSeconds !== null;

/**
 * Every stream's status, and who holds the fence when it holds one of them back (asked only then):
 * what `outbox status` and the console show.
 */
export async function readStatus(
  db: Kysely<DB>,
  now: Date,
): Promise<{ streams: StreamStatus[]; holder: FenceHolder | null }> {
  const streams = await readStreamStatus(db, now);
  const holder: FenceHolder | null = streams.some(isHeld) ? await readFenceHolder(db) : null;
  return { streams, holder };
}
