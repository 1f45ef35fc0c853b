import { beforeAll, describe, expect, it } from '@jest/globals';
import { expectMalformedPathProblem, MALFORMED_PATH_SEGMENTS } from '../../test/support/malformed-path.js';
import { anOrder, createOrderVia, useApiHarness } from '../../test/support/order-api-harness.js';

const api = useApiHarness();
let existing: string;

beforeAll(async () => {
  existing = await createOrderVia(api);
});

type FieldError = { in: string; field: string; message: string };

/** Expects a 400 validation problem and returns its `errors`. */
async function fieldErrors(response: Response): Promise<FieldError[]> {
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await response.json()) as { type: string; errors: FieldError[]; detail: string };
  expect(problem.type).toBe('/problems/validation');
  expect(problem.detail).toEqual(expect.any(String));
  return problem.errors;
}

const long = (length: number) => 'x'.repeat(length);
const key = { 'idempotency-key': 'validation-key' };

describe('invalid input is refused with one entry per bad field and writes nothing', () => {
  const createCases: [string, unknown, [string, RegExp][]][] = [
    [
      'no body at all',
      undefined,
      [
        ['customerId', /required/],
        ['items', /required/],
      ],
    ],
    ['a missing customerId', { items: ['A'] }, [['customerId', /required/]]],
    ['a customerId of the wrong type', { customerId: 7, items: ['A'] }, [['customerId', /expected string/]]],
    ['an empty customerId', { customerId: '', items: ['A'] }, [['customerId', />=1/]]],
    ['a customerId over 100 characters', { customerId: long(101), items: ['A'] }, [['customerId', /<=100/]]],
    ['no items', { customerId: 'c', items: [] }, [['items', />=1/]]],
    ['101 items', { customerId: 'c', items: Array(101).fill('A') }, [['items', /<=100/]]],
    ['items that are not an array', { customerId: 'c', items: 'A' }, [['items', /expected array/]]],
    [
      'a quantity of 0',
      { customerId: 'c', items: [{ sku: 'A', quantity: 0 }] },
      [['items[0].quantity', />=1/]],
    ],
    [
      'a quantity of 1001',
      { customerId: 'c', items: [{ sku: 'A', quantity: 1001 }] },
      [['items[0].quantity', /<=1000/]],
    ],
    [
      'a fractional quantity',
      { customerId: 'c', items: [{ sku: 'A', quantity: 1.5 }] },
      [['items[0].quantity', /int/]],
    ],
    ['an item without a sku', { customerId: 'c', items: [{ quantity: 1 }] }, [['items[0].sku', /required/]]],
    ['an item that is a number', { customerId: 'c', items: [42] }, [['items[0]', /SKU string or an object/]]],
    ['an empty SKU string', { customerId: 'c', items: ['A', ''] }, [['items[1]', />=1/]]],
    [
      'an unknown field in an item',
      { customerId: 'c', items: [{ sku: 'A', quantity: 1, colour: 'red' }] },
      [['items[0].colour', /not a known field/]],
    ],
    ['an unknown top-level field', { ...anOrder, coupon: 'FREE' }, [['coupon', /not a known field/]]],
    ['a JSON array', [anOrder], [['body', /expected object/]]],
    [
      'several mistakes at once',
      { customerId: 3, items: [{ sku: 'A', quantity: 0 }, { sku: '' }], extra: true },
      [
        ['customerId', /expected string/],
        ['items[0].quantity', />=1/],
        ['items[1].sku', />=1/],
        ['items[1].quantity', /required/],
        ['extra', /not a known field/],
      ],
    ],
  ];

  it.each(createCases)('POST /orders with %s', async (_name, body, expected) => {
    const before = await api.counts();
    const errors = await fieldErrors(await api.post('/orders', body, key));
    expect(errors.map((error) => error.field)).toEqual(expected.map(([field]) => field));
    for (const [index, [, message]] of expected.entries()) expect(errors[index]?.message).toMatch(message);
    expect(errors.every((error) => error.in === 'body' || error.field === 'body')).toBe(true);
    expect(await api.counts()).toEqual(before);
  });

  const commandCases: [string, () => [string, unknown, Record<string, string>], string[]][] = [
    ['a path id that is not a UUID', () => ['/orders/42/place', undefined, {}], ['path:id']],
    ['a body on place', () => [`/orders/${existing}/place`, { now: true }, {}], ['body:now']],
    ['a reason of the wrong type', () => [`/orders/${existing}/cancel`, { reason: 5 }, {}], ['body:reason']],
    [
      'a reason over 500 characters',
      () => [`/orders/${existing}/cancel`, { reason: long(501) }, {}],
      ['body:reason'],
    ],
    [
      'a malformed If-Match',
      () => [`/orders/${existing}/ship`, undefined, { 'if-match': '3' }],
      ['header:If-Match'],
    ],
    [
      'an Idempotency-Key over 255 characters',
      () => [`/orders/${existing}/place`, undefined, { 'idempotency-key': long(256) }],
      ['header:Idempotency-Key'],
    ],
    [
      'an Idempotency-Key with spaces',
      () => [`/orders/${existing}/place`, undefined, { 'idempotency-key': 'a b' }],
      ['header:Idempotency-Key'],
    ],
    [
      'a bad id, a bad header and a bad body together',
      () => ['/orders/nope/cancel', { reason: 1, why: 'x' }, { 'if-match': 'x' }],
      ['path:id', 'header:If-Match', 'body:reason', 'body:why'],
    ],
  ];

  it.each(commandCases)('a command with %s', async (_name, request, expected) => {
    const before = await api.counts();
    const [path, body, headers] = request();
    const errors = await fieldErrors(await api.post(path, body, headers));
    expect(errors.map((error) => `${error.in}:${error.field}`).sort()).toEqual([...expected].sort());
    expect(await api.counts()).toEqual(before);
    expect(await (await api.get(`/orders/${existing}`)).json()).toMatchObject({
      status: 'Pending',
      version: 1,
    });
  });

  const queryCases: [string, string, string[]][] = [
    ['GET /orders with limit 0', '/orders?limit=0', ['limit']],
    ['GET /orders with limit 101', '/orders?limit=101', ['limit']],
    ['GET /orders with a limit that is not a number', '/orders?limit=ten', ['limit']],
    ['GET /orders with an unknown status', '/orders?status=Lost', ['status']],
    ['GET /orders with a cursor that is not a UUID', '/orders?after=page2', ['after']],
    ['GET /orders with an unknown parameter', '/orders?sort=asc', ['sort']],
    ['GET /orders with a repeated parameter', '/orders?status=Pending&status=Shipped', ['status']],
    ['GET /orders/:id with an id that is not a UUID', '/orders/abc', ['id']],
    ['GET /orders/:id/events with an id that is not a UUID', '/orders/abc/events', ['id']],
  ];

  it.each(queryCases)('%s', async (_name, path, fields) => {
    const errors = await fieldErrors(await api.get(path));
    expect(errors.map((error) => error.field)).toEqual(fields);
  });
});

describe('bodies the API cannot read', () => {
  it('answers malformed JSON with 400, a body over the limit with 413 and a non-JSON body with 415', async () => {
    const before = await api.counts();
    const malformed = await api.post('/orders', '{"customerId": "c", "items": [', key);
    expect(malformed.status).toBe(400);
    const large = await api.post('/orders', { customerId: 'c', items: [long(20_000)] }, key);
    expect(large.status).toBe(413);
    const text = await fetch(`${api.baseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'customerId=c',
    });
    expect(text.status).toBe(415);
    for (const response of [malformed, large, text]) {
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect(await api.counts()).toEqual(before);
  });
});

describe('paths that are not valid percent-encoding', () => {
  it.each(MALFORMED_PATH_SEGMENTS)('answer 400, not 500, for a command or a read on %s', async (segment) => {
    const before = await api.counts();
    await expectMalformedPathProblem(await api.post(`/orders/${segment}/place`));
    await expectMalformedPathProblem(await api.post(`/orders/${segment}/cancel`, { reason: 'x' }, key));
    await expectMalformedPathProblem(await api.get(`/orders/${segment}`));
    await expectMalformedPathProblem(await api.get(`/orders/${segment}/events`));
    expect(await api.counts()).toEqual(before);
  });
});
