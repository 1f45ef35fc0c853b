/**
 * The processes `npm start` runs, each as its own child process. An entry names the service, the
 * module that starts it (path without extension, relative to the project root) and the variable
 * that holds its port, so the launcher can print where it listens once it is healthy.
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
];
