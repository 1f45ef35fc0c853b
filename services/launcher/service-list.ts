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
  { name: 'email', module: 'services/subscribers/email/main', portVariable: 'EMAIL_PORT', defaultPort: 3001 },
  {
    name: 'inventory',
    module: 'services/subscribers/inventory/main',
    portVariable: 'INVENTORY_PORT',
    defaultPort: 3002,
  },
  {
    name: 'warehouse',
    module: 'services/subscribers/warehouse/main',
    portVariable: 'WAREHOUSE_PORT',
    defaultPort: 3003,
  },
  {
    name: 'billing',
    module: 'services/subscribers/billing/main',
    portVariable: 'BILLING_PORT',
    defaultPort: 3004,
  },
];
