import { describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createOrderVia, useApiHarness } from '../../test/support/order-api-harness.js';

const api = useApiHarness({ poolMax: 10 });

describe('concurrent commands on one order', () => {
  it('accepts exactly one of 20 concurrent place calls and records exactly one OrderPlaced', async () => {
    // Given a Pending order
    const id = await createOrderVia(api);

    // When 20 clients place it at once
    const responses = await Promise.all(Array.from({ length: 20 }, () => api.post(`/orders/${id}/place`)));
    const statuses = responses.map((response) => response.status).sort();

    // Then one wins and nineteen are told the order is already Processing
    expect(statuses).toEqual([200, ...Array<number>(19).fill(409)]);
    const refusals = await Promise.all(
      responses.filter((response) => response.status === 409).map((response) => response.json()),
    );
    for (const refusal of refusals)
      expect(refusal).toMatchObject({ currentStatus: 'Processing', action: 'place' });
    const { rows } = await sql<{ count: string }>`
      select count(*) from outbox where aggregate_id = ${id} and event_type = 'OrderPlaced'`.execute(
      api.database.db,
    );
    expect(rows[0]?.count).toBe('1');
    expect(await (await api.get(`/orders/${id}`)).json()).toMatchObject({ status: 'Processing', version: 2 });
  });

  it('serialises concurrent cancel and place: whichever wins, the order and its events agree', async () => {
    const id = await createOrderVia(api);
    const [place, cancel] = await Promise.all([
      api.post(`/orders/${id}/place`),
      api.post(`/orders/${id}/cancel`),
    ]);
    const statuses = [place.status, cancel.status];
    const order = (await (await api.get(`/orders/${id}`)).json()) as { status: string; version: number };
    const events = (await (await api.get(`/orders/${id}/events`)).json()) as { type: string }[];
    if (cancel.status === 200 && place.status === 409) {
      expect(order.status).toBe('Cancelled');
      expect(events.map((event) => event.type)).toEqual(['OrderCancelled']);
    } else {
      // place won; cancel from Processing is allowed too, so both may succeed in that order
      expect(place.status).toBe(200);
      expect(events[0]?.type).toBe('OrderPlaced');
      expect(events.map((event) => event.type)).toEqual(
        cancel.status === 200 ? ['OrderPlaced', 'OrderCancelled'] : ['OrderPlaced'],
      );
    }
    expect(order.version).toBe(1 + events.length);
    expect(statuses).toContain(200);
  });
});
