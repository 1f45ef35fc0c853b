import { describe, expect, it } from '@jest/globals';
import { parseCloudEventBatch, toCloudEvent } from '../../common/events/cloud-event.js';
import { newOrderId, orderEvents } from '../../../test/support/subscriber-delivery.js';
import { readAggregateVersion, readBatch } from './read-batch.js';

describe('reading a delivered batch', () => {
  it.each([
    [2, 2],
    [17, 17],
    [0, null],
    [-2, null],
    [2.5, null],
    ['2', null],
    [undefined, null],
    [null, null],
  ])('reads the aggregateversion %p as %p', (value, expected) => {
    expect(readAggregateVersion(value)).toBe(expected);
  });

  it('carries the aggregate version of each event from the CloudEvent to the delivered event', () => {
    const orderId = newOrderId();
    const events = [orderEvents.placed(orderId, [{ sku: 'A', quantity: 1 }]), orderEvents.shipped(orderId)];
    const parsed = parseCloudEventBatch(JSON.parse(JSON.stringify(events.map(toCloudEvent))));
    if (!parsed.ok) throw new Error(parsed.reason);
    const batch = readBatch(parsed.events);
    if (!batch.ok) throw new Error(batch.reason);
    expect(batch.entries.map((entry) => entry.event?.aggregateVersion)).toEqual([2, 3]);
  });
});
