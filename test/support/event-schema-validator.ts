import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { cloudEventComponent } from '../../services/common/events/asyncapi.js';
import { isOrderEventType } from '../../services/common/events/order-events.js';

/**
 * Checks a delivered CloudEvent against the AsyncAPI document's payload schema for its `type`:
 * the problems found, none when it validates. Draft 07, the document's schema format.
 */
export function eventSchemaValidator(document: Record<string, unknown>): (event: unknown) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ components: document.components }, 'asyncapi');
  return (event) => {
    const type = (event as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !isOrderEventType(type)) return [`no schema for type ${String(type)}`];
    const validate = ajv.getSchema(`asyncapi#/components/schemas/${cloudEventComponent(type)}`);
    if (!validate) return [`the document has no schema for ${type}`];
    if (validate(event)) return [];
    return (validate.errors ?? []).map((error) => `${type} ${error.instancePath} ${error.message ?? ''}`);
  };
}
