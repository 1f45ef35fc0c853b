import { DEFAULT_SUBSCRIBERS } from '../common/events/default-subscribers.js';

/**
 * The processes `npm start` runs, each as its own child process. An entry names the service, the
 * module that starts it (path without extension, relative to the project root) and the variable
 * that holds its port, so the launcher can print where it listens once it is healthy. The relay's
 * port is its admin port (/healthz, /metrics); it serves no API.
 */
export type ServiceEntry = {
  name: string;
  module: string;
  portVariable: string;
  defaultPort: number;
};

export const SERVICES: ServiceEntry[] = [
  { name: 'order-api', module: 'services/order-api/main', portVariable: 'ORDER_API_PORT', defaultPort: 3000 },
  { name: 'relay', module: 'services/relay/main', portVariable: 'RELAY_ADMIN_PORT', defaultPort: 3005 },
  ...DEFAULT_SUBSCRIBERS.map((subscriber) => ({
    name: subscriber.name,
    module: `services/subscribers/${subscriber.name}/main`,
    portVariable: subscriber.portVariable,
    defaultPort: subscriber.defaultPort,
  })),
];
