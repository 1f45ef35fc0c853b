import { beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { anOrder, createOrderVia, useApiHarness } from '../../test/support/order-api-harness.js';
import { customerToken } from '../../test/support/test-tokens.js';

const api = useApiHarness();
type Operation = {
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: object }>; headers?: object }>;
};
let document: {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes?: Record<string, { type: string; scheme: string; 'x-scopes'?: object }> };
};
let ajv: Ajv2020;

beforeAll(async () => {
  const response = await api.get('/openapi.json');
  expect(response.status).toBe(200);
  document = (await response.json()) as typeof document;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
});

/** Checks a real response against the schema the document gives for its path, method and status. */
async function expectDocumented(response: Response, path: string, method: string): Promise<unknown> {
  const operation = document.paths[path]?.[method];
  expect(operation).toBeDefined();
  const documented = operation!.responses[String(response.status)];
  if (!documented) throw new Error(`${method} ${path} does not document status ${response.status}`);
  const mediaType = response.headers.get('content-type')!.split(';')[0]!;
  const content = documented.content?.[mediaType];
  if (!content) throw new Error(`${method} ${path} ${response.status} does not document ${mediaType}`);
  // The components travel with the schema so that its $refs resolve within one document.
  const validate = ajv.compile({ ...content.schema, components: document.components });
  const body: unknown = await response.json();
  if (!validate(body))
    throw new Error(`${method} ${path}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
  return body;
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document of every route', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/healthz',
        '/metrics',
        '/openapi.json',
        '/readyz',
        '/orders',
        '/orders/{id}',
        '/orders/{id}/cancel',
        '/orders/{id}/deliver',
        '/orders/{id}/events',
        '/orders/{id}/place',
        '/orders/{id}/ship',
      ].sort(),
    );
  });

  it('describes the real responses of the main routes', async () => {
    const created = await api.post('/orders', anOrder);
    const { id } = (await expectDocumented(created, '/orders', 'post')) as { id: string };
    await expectDocumented(await api.post(`/orders/${id}/place`), '/orders/{id}/place', 'post');
    await expectDocumented(await api.post(`/orders/${id}/ship`), '/orders/{id}/ship', 'post');
    await expectDocumented(await api.get(`/orders/${id}`), '/orders/{id}', 'get');
    await expectDocumented(await api.get('/orders?limit=1'), '/orders', 'get');
    const events = await expectDocumented(
      await api.get(`/orders/${id}/events`),
      '/orders/{id}/events',
      'get',
    );
    expect(events).toHaveLength(2);
    const cancelled = await createOrderVia(api);
    await expectDocumented(
      await api.post(`/orders/${cancelled}/cancel`, { reason: 'no longer needed' }),
      '/orders/{id}/cancel',
      'post',
    );
  });

  it('describes the problem responses', async () => {
    const id = await createOrderVia(api);
    await expectDocumented(await api.post('/orders', { customerId: 5 }), '/orders', 'post');
    await expectDocumented(await api.post(`/orders/${id}/deliver`), '/orders/{id}/deliver', 'post');
    await expectDocumented(
      await api.get('/orders/019ac5a4-7a9e-7cc1-8e11-000000000999'),
      '/orders/{id}',
      'get',
    );
    await expectDocumented(await api.get('/orders?limit=0'), '/orders', 'get');
  });

  it('documents 503 (outcome unknown, database out of reach) on every command', () => {
    const commands = ['/orders', ...['place', 'ship', 'deliver', 'cancel'].map((a) => `/orders/{id}/${a}`)];
    for (const path of commands) expect(document.paths[path]!.post!.responses['503']).toBeDefined();
  });

  it('describes the refusals of a request without a token and of a token without the scope', async () => {
    await expectDocumented(await api.as(null).get('/orders'), '/orders', 'get');
    const customer = api.as(await customerToken('customer-openapi'));
    const id = await createOrderVia(customer, { ...anOrder, customerId: 'customer-openapi' });
    await expectDocumented(await customer.post(`/orders/${id}/ship`), '/orders/{id}/ship', 'post');
    await expectDocumented(await customer.post('/orders', anOrder), '/orders', 'post');
  });

  it('declares the bearer scheme, with every scope it uses and what each allows', () => {
    const schemes = document.components.securitySchemes ?? {};
    expect(Object.keys(schemes)).toEqual(['bearerAuth']);
    expect(schemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(Object.keys(schemes.bearerAuth!['x-scopes'] ?? {}).sort()).toEqual(
      ['orders:admin', 'orders:cancel', 'orders:create', 'orders:fulfil', 'orders:read'].sort(),
    );
  });

  it('declares security on every operation: a scope behind a token, or none on the open routes', () => {
    const open = ['/healthz', '/readyz', '/metrics', '/openapi.json'];
    const scopes = Object.keys(document.components.securitySchemes?.bearerAuth?.['x-scopes'] ?? {});
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method} ${path}`;
        if (open.includes(path)) {
          expect([where, operation.security]).toEqual([where, []]);
          continue;
        }
        expect([where, operation.security]).toEqual([where, [{ bearerAuth: [expect.any(String)] }]]);
        expect(scopes).toContain(operation.security![0]!.bearerAuth![0]);
        for (const status of ['401', '403']) {
          expect([where, status, operation.responses[status]?.headers]).toEqual([
            where,
            status,
            { 'WWW-Authenticate': expect.any(Object) },
          ]);
        }
      }
    }
  });

  it('would catch a response that does not match', () => {
    const schema =
      document.paths['/orders/{id}']!.get!.responses['200']!.content!['application/json']!.schema;
    const validate = ajv.compile({ ...schema, components: document.components });
    expect(validate({ id: 'not-a-uuid', status: 'Lost' })).toBe(false);
  });
});
