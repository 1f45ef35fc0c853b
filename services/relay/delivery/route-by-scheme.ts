import { isNatsUrl } from '../../common/nats/nats-endpoint.js';
import type { Transport } from './transport.js';

/** The transport each subscription's endpoint asks for by its scheme: nats:// or http(s)://. */
export function routeByScheme(transports: { http: Transport; nats: Transport }): Transport {
  return {
    deliver: (delivery) =>
      isNatsUrl(delivery.endpointUrl) ? transports.nats.deliver(delivery) : transports.http.deliver(delivery),
    close: async () => {
      await Promise.all([transports.http.close(), transports.nats.close()]);
    },
  };
}
