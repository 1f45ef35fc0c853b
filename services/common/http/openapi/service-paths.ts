import { noToken } from './security.js';
import { json, problem } from './responses.js';

/**
 * The routes createHttpApp gives every service: liveness, readiness, Prometheus metrics and the
 * service's own OpenAPI document. All open: no token (they carry no customer data).
 */
export function servicePaths(): Record<string, unknown> {
  const status = (values: string[]) => ({
    type: 'object',
    properties: { status: { enum: values }, database: { type: 'boolean' } },
    required: ['status'],
  });
  return {
    '/healthz': {
      get: {
        operationId: 'health',
        ...noToken,
        tags: ['operations'],
        summary: 'Liveness: the process answers',
        responses: { '200': json('Alive', status(['ok'])) },
      },
    },
    '/readyz': {
      get: {
        operationId: 'readiness',
        ...noToken,
        tags: ['operations'],
        summary: 'Readiness: PostgreSQL answers',
        responses: {
          '200': json('Ready', status(['ready'])),
          '503': json('PostgreSQL does not answer', status(['unavailable'])),
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        ...noToken,
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format)',
        responses: {
          '200': { description: 'The metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
          '500': problem('The metrics could not be collected'),
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openApiDocument',
        ...noToken,
        tags: ['operations'],
        summary: 'This document',
        responses: { '200': json('OpenAPI 3.1', { type: 'object' }) },
      },
    },
  };
}
