import { componentSchemasFor } from './component-schemas.js';
import { servicePaths } from './service-paths.js';

export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, unknown>>;
  webhooks?: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
};

export type ServiceDocumentSpec = {
  title: string;
  description: string;
  /** The service's own routes; the common ones (health, metrics, this document) are added. */
  paths: Record<string, Record<string, unknown>>;
  webhooks?: Record<string, Record<string, unknown>>;
  /** How callers authenticate (see security.ts); operations name the scheme in `security`. */
  securitySchemes?: Record<string, unknown>;
};

/** A service's OpenAPI 3.1 document, with exactly the component schemas its operations reference. */
export function buildServiceDocument(spec: ServiceDocumentSpec): OpenApiDocument {
  const paths = { ...servicePaths(), ...spec.paths } as OpenApiDocument['paths'];
  return {
    openapi: '3.1.0',
    info: { title: spec.title, version: '1.0.0', description: spec.description },
    paths,
    ...(spec.webhooks ? { webhooks: spec.webhooks } : {}),
    components: {
      schemas: componentSchemasFor([paths, spec.webhooks]),
      ...(spec.securitySchemes ? { securitySchemes: spec.securitySchemes } : {}),
    },
  };
}
