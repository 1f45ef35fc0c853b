import { afterAll, describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { OpenApiDocument } from '../../services/common/http/openapi/build-document.js';
import { isScope } from '../../services/common/auth/scopes.js';
import { documentedRoutes, expressRoutes } from '../../services/common/http/openapi/express-routes.js';
import { contractDocuments } from '../../scripts/contract-documents.js';
import { everyServiceApp } from './service-apps.js';

const { apps, close } = everyServiceApp();

afterAll(async () => {
  await close();
});

async function validate(document: unknown): Promise<{ valid: boolean; errors?: unknown }> {
  return new Validator().validate(document as Parameters<Validator['validate']>[0]);
}

describe.each(apps.map((service) => [service.name, service] as const))('%s', (_name, service) => {
  let document: OpenApiDocument;

  it('serves its OpenAPI 3.1 document at /openapi.json', async () => {
    document = await service.document();
    expect(document.openapi).toBe('3.1.0');
  });

  it('is the document npm run contracts writes', () => {
    expect(contractDocuments()[`openapi/${service.name}.json`]).toEqual(document);
  });

  it('documents every route it answers, and answers every route it documents', () => {
    const answered = expressRoutes(service.app);
    const documented = documentedRoutes(document);
    expect({ undocumented: answered.filter((route) => !documented.includes(route)) }).toEqual({
      undocumented: [],
    });
    expect({ notAnswered: documented.filter((route) => !answered.includes(route)) }).toEqual({
      notAnswered: [],
    });
  });

  it('passes an independent OpenAPI 3.1 validator, every $ref resolved', async () => {
    const result = await validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('documents problem+json for every error status', () => {
    for (const [route, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const responses = (operation as { responses: Record<string, { content?: object }> }).responses;
        for (const [status, response] of Object.entries(responses)) {
          if (Number(status) < 400 || route === '/readyz') continue;
          // Only the console's page may also answer HTML (the sign-in page, to a browser).
          const types = Object.keys(response.content ?? {}).filter(
            (type) => !(route === '/' && type === 'text/html'),
          );
          expect([method, route, status, types]).toEqual([
            method,
            route,
            status,
            ['application/problem+json'],
          ]);
        }
      }
    }
  });
});

/** What every service answers without a token; signed deliveries carry none either. */
const OPEN_ROUTES = ['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /openapi.json', 'POST /events'];
const SUBSCRIBERS = ['email', 'inventory', 'warehouse', 'billing'];

describe.each(SUBSCRIBERS)('the %s subscriber document', (name) => {
  it('declares the bearer scheme, no token on the open routes, and one scope and 401/403 on every other operation', async () => {
    const document = await apps.find((service) => service.name === name)!.document();
    expect(document.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
    type Operation = { security?: Record<string, string[]>[]; responses: Record<string, unknown> };
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item as Record<string, Operation>)) {
        const route = `${method.toUpperCase()} ${path}`;
        if (OPEN_ROUTES.includes(route)) {
          expect([route, operation.security]).toEqual([route, []]);
          continue;
        }
        expect([route, operation.security]).toEqual([route, [{ bearerAuth: [expect.any(String)] }]]);
        const scope = operation.security![0]!.bearerAuth![0]!;
        expect([route, scope, isScope(scope)]).toEqual([route, scope, true]);
        expect([route, Object.keys(operation.responses)]).toEqual([
          route,
          expect.arrayContaining(['401', '403']),
        ]);
      }
    }
  });
});

describe('the delivery contract', () => {
  it("is the relay document's webhook and the same operation as every subscriber's POST /events", async () => {
    const relay = await apps.find((service) => service.name === 'relay')!.document();
    type Operation = { operationId: string; parameters: { name: string }[] };
    const webhook = relay.webhooks?.orderEvents?.post as Operation;
    expect(webhook.parameters.map((parameter) => parameter.name)).toEqual(
      expect.arrayContaining(['webhook-id', 'webhook-timestamp', 'webhook-signature']),
    );
    for (const name of ['email', 'inventory', 'warehouse', 'billing']) {
      const document = await apps.find((service) => service.name === name)!.document();
      const { operationId: _received, ...receiving } = document.paths['/events']!.post as Operation;
      const { operationId: _sent, ...sending } = webhook;
      expect(receiving).toEqual(sending);
    }
  });
});

describe('the AsyncAPI document', () => {
  it('is served by the relay, as npm run contracts writes it', async () => {
    const relay = apps.find((service) => service.name === 'relay')!;
    expect(await relay.served('/asyncapi.json')).toEqual(contractDocuments()['asyncapi.json']);
  });
});

describe('the checks themselves', () => {
  it('would catch a route that is not documented, and a documented route that is not there', () => {
    const service = apps.find((candidate) => candidate.name === 'warehouse')!;
    const answered = expressRoutes(service.app);
    expect(answered).toContain('GET /shipments/{orderId}');
    expect(documentedRoutes({ paths: { '/shipments/{id}': { get: {} } } })).not.toEqual(
      answered.filter((route) => route.includes('shipments')),
    );
  });

  it('would catch a reference that does not resolve', async () => {
    const document = await apps.find((service) => service.name === 'warehouse')!.document();
    const broken = structuredClone(document);
    delete broken.components.schemas.Problem;
    expect((await validate(broken)).valid).toBe(false);
  });
});
