import type { Writable } from 'node:stream';
import { operatorAuthorization } from '../test/e2e/support/operator-authorization.js';
import { SEEDED_SKUS } from './order-requests.js';

/**
 * Gives the inventory service plenty of every SKU the benchmark orders (`PUT /stock/:sku`),
 * so OrderPlaced takes the reservation path real traffic takes, not the backorder path of an
 * empty warehouse. A refusal is logged, not fatal: the figures stay valid, only less typical.
 */
export async function stockUp(inventoryBaseUrl: string, log: Writable): Promise<void> {
  for (const sku of SEEDED_SKUS) {
    const response = await fetch(`${inventoryBaseUrl}/stock/${encodeURIComponent(sku)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: await operatorAuthorization() },
      body: JSON.stringify({ onHand: 10_000_000 }),
    });
    const body = await response.text();
    if (!response.ok) {
      log.write(
        `[bench] PUT /stock/${sku} answered ${response.status}; inventory runs without stock: ${body}\n`,
      );
      return;
    }
  }
}
