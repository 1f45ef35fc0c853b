import type { Logger } from '../../common/logger.js';
import type { BatchSummary } from './handle-batch.js';
import type { InboxMetrics } from './inbox-metrics.js';
import type { BatchEntry } from './read-batch.js';

/**
 * After a batch committed, whichever path delivered it: counts what it did and logs each event
 * applied for an order this service had not seen placed.
 */
export function countBatch(
  metrics: InboxMetrics,
  logger: Logger,
  summary: BatchSummary,
  entries: BatchEntry[],
): void {
  metrics.processed.inc(summary.processed);
  metrics.duplicates.inc(summary.duplicates);
  metrics.ignored.inc(summary.ignored);
  metrics.unseenOrders.inc(summary.unseenOrderEventIds.length);
  if (summary.unseenOrderEventIds.length > 0) {
    const unseen = new Set(summary.unseenOrderEventIds);
    for (const { event } of entries) {
      if (!event || !unseen.has(event.id)) continue;
      logger.warn(
        { eventId: event.id, eventType: event.type, orderId: event.data.orderId },
        'event for an order not seen placed: applied as an anomaly',
      );
    }
  }
  logger.debug(
    { processed: summary.processed, duplicates: summary.duplicates, ignored: summary.ignored },
    'batch applied',
  );
}
