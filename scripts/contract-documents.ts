import { buildOpenApiDocument } from '../services/order-api/http/openapi.js';
import { buildRelayAdminDocument } from '../services/relay/admin-openapi.js';
import { buildAsyncApiDocument } from '../services/common/events/asyncapi.js';
import { billingPaths } from '../services/subscribers/billing/billing-openapi.js';
import { emailPaths } from '../services/subscribers/email/email-openapi.js';
import { buildSubscriberDocument } from '../services/subscribers/inbox/subscriber-openapi.js';
import { inventoryPaths } from '../services/subscribers/inventory/inventory-openapi.js';
import { warehousePaths } from '../services/subscribers/warehouse/warehouse-openapi.js';

/**
 * Every contract document by file name, built by the same functions the services serve them from
 * (the contract tests check that each equals what its service serves).
 */
export function contractDocuments(): Record<string, unknown> {
  return {
    'openapi/order-api.json': buildOpenApiDocument(),
    'openapi/relay.json': buildRelayAdminDocument(),
    'openapi/email.json': buildSubscriberDocument('email', emailPaths),
    'openapi/inventory.json': buildSubscriberDocument('inventory', inventoryPaths),
    'openapi/warehouse.json': buildSubscriberDocument('warehouse', warehousePaths),
    'openapi/billing.json': buildSubscriberDocument('billing', billingPaths),
    'asyncapi.json': buildAsyncApiDocument(),
  };
}
