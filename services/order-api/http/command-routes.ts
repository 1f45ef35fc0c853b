import type { Express, Request } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { callerOf } from '../../common/auth/caller.js';
import { requireScope } from '../../common/auth/require-scope.js';
import type { Scope } from '../../common/auth/scopes.js';
import { HttpProblem } from '../../common/http/problem.js';
import { createOrder, type Order, type OrderAction, type OrderActionName } from '../order.js';
import { reserveEventIds } from '../store/event-ids.js';
import { findOrderAsChangedBy } from '../store/find-order-as-changed.js';
import { findOrderAsCreated } from '../store/find-order-as-created.js';
import { changeOrder, saveNewOrder, type ChangeOrderOutcome } from '../store/order-commands.js';
import { eventMetadataFrom } from './event-metadata.js';
import { etagOf, parseIfMatch } from './if-match.js';
import { notYourCustomer, ordersOwnedBy } from './order-access.js';
import { toOrderJson } from './order-json.js';
import { runCommand, type CommandDeps, type CommandReply } from './run-command.js';
import {
  cancelOrderBodySchema,
  createOrderBodySchema,
  emptyBodySchema,
  idempotencyKeySchema,
  orderIdParamsSchema,
} from './schemas.js';
import { parseAt, type FieldError } from '../../common/http/validation.js';

/**
 * The scope each action needs, and whether it is limited to the caller's own orders: ship and
 * deliver are done by staff or a fulfilment service, for any customer's order.
 */
const ACTIONS: Record<OrderActionName, { scope: Scope; ownOrdersOnly: boolean }> = {
  place: { scope: 'orders:create', ownOrdersOnly: true },
  cancel: { scope: 'orders:cancel', ownOrdersOnly: true },
  ship: { scope: 'orders:fulfil', ownOrdersOnly: false },
  deliver: { scope: 'orders:fulfil', ownOrdersOnly: false },
};

/**
 * POST /orders and POST /orders/:id/{place,ship,deliver,cancel}. Each request chooses its order id
 * (create) or event ids (actions) once, before its first attempt: every attempt writes the same ones,
 * so after a lost connection the command can find its own commit by them. The scope is checked
 * before the body is read, whose customer before anything is written.
 */
export function mountCommandRoutes(app: Express, deps: CommandDeps): void {
  app.post('/orders', requireScope('orders:create'), async (req, res) => {
    const id = uuidv7();
    const owner = ordersOwnedBy(callerOf(res));
    await runCommand(deps, req, res, {
      action: 'create',
      scope: 'POST /orders',
      ownedBy: owner,
      forbidden: (input) =>
        owner !== undefined && input.customerId !== owner
          ? notYourCustomer(input.customerId, owner)
          : undefined,
      parse: () => {
        const errors = headerErrors(req);
        // A POST without a body is an empty order: report its missing fields, not "expected object".
        const body = parseAt('body', createOrderBodySchema, req.body ?? {});
        if (!body.ok) errors.push(...body.errors);
        return body.ok && errors.length === 0 ? { ok: true, input: body.value } : { ok: false, errors };
      },
      execute: async (store, input, now): Promise<CommandReply> => {
        const items = input.items.map((item) =>
          typeof item === 'string' ? { sku: item, quantity: 1 } : item,
        );
        const order = createOrder({ id, customerId: input.customerId, items }, now);
        await saveNewOrder(store, order);
        return createdReply(order);
      },
      findCommitted: async (db) => {
        const order = await findOrderAsCreated(db, id);
        return order && createdReply(order);
      },
    });
  });

  for (const action of ['place', 'ship', 'deliver', 'cancel'] as const) {
    const { scope, ownOrdersOnly } = ACTIONS[action];
    app.post(`/orders/:id/${action}`, requireScope(scope), async (req, res) => {
      const eventIds = reserveEventIds();
      await runCommand(deps, req, res, {
        action,
        scope: `POST /orders/:id/${action}`,
        ownedBy: ownOrdersOnly ? ordersOwnedBy(callerOf(res)) : undefined,
        orderId: typeof req.params.id === 'string' ? req.params.id : undefined,
        parse: () => parseActionRequest(req, action),
        execute: async (store, input, now) =>
          toReply(
            action,
            input.orderId,
            await changeOrder(store, {
              orderId: input.orderId,
              action: input.action,
              expectedVersions: input.expectedVersions,
              metadata: eventMetadataFrom(req, res),
              now,
              eventIds,
            }),
          ),
        findCommitted: async (db, input) => {
          // Every accepted action records an event, so its first event id marks its commit.
          const eventId = eventIds(1)[0]!;
          const order = await findOrderAsChangedBy(db, eventId, action);
          return order && toReply(action, input.orderId, { ok: true, order, eventIds: [eventId] });
        },
      });
    });
  }
}

type ActionInput = { orderId: string; action: OrderAction; expectedVersions: number[] | undefined };

function parseActionRequest(
  req: Request,
  action: OrderActionName,
): { ok: true; input: ActionInput } | { ok: false; errors: FieldError[] } {
  const errors = headerErrors(req);
  const params = parseAt('path', orderIdParamsSchema, req.params);
  if (!params.ok) errors.push(...params.errors);
  const ifMatch = parseIfMatch(req.get('if-match'));
  if (!ifMatch.ok) errors.push({ in: 'header', field: 'If-Match', message: ifMatch.message });
  const body =
    action === 'cancel'
      ? parseAt('body', cancelOrderBodySchema, req.body ?? {})
      : parseAt('body', emptyBodySchema, req.body ?? {});
  if (!body.ok) errors.push(...body.errors);
  if (!params.ok || !ifMatch.ok || !body.ok || errors.length > 0) return { ok: false, errors };
  const reason = 'reason' in body.value ? (body.value.reason ?? null) : null;
  return {
    ok: true,
    input: {
      orderId: params.value.id,
      action: action === 'cancel' ? { type: 'cancel', reason } : { type: action },
      expectedVersions: ifMatch.versions,
    },
  };
}

function headerErrors(req: Request): FieldError[] {
  const key = req.get('idempotency-key');
  if (key === undefined) return [];
  const parsed = parseAt('header', idempotencyKeySchema, key);
  return parsed.ok ? [] : parsed.errors.map((error) => ({ ...error, field: 'Idempotency-Key' }));
}

function createdReply(order: Order): CommandReply {
  return {
    ok: true,
    orderId: order.id,
    eventCount: 0,
    response: {
      status: 201,
      headers: { Location: `/orders/${order.id}`, ETag: etagOf(order.version) },
      body: toOrderJson(order),
    },
  };
}

function toReply(action: OrderActionName, orderId: string, outcome: ChangeOrderOutcome): CommandReply {
  if (outcome.ok) {
    return {
      ok: true,
      orderId,
      eventCount: outcome.eventIds.length,
      response: {
        status: 200,
        headers: { ETag: etagOf(outcome.order.version) },
        body: toOrderJson(outcome.order),
      },
    };
  }
  switch (outcome.reason) {
    case 'not-found':
      return {
        ok: false,
        orderId,
        outcome: 'not_found',
        problem: new HttpProblem(404, `Order ${orderId} does not exist.`),
      };
    case 'version-mismatch':
      return {
        ok: false,
        orderId,
        outcome: 'precondition_failed',
        problem: new HttpProblem(
          412,
          `Order ${orderId} is at version ${outcome.order.version}, not the one in If-Match; read it again.`,
          { type: '/problems/version-mismatch', extensions: { currentVersion: outcome.order.version } },
        ),
      };
    case 'refused':
      return {
        ok: false,
        orderId,
        outcome: 'refused',
        problem: new HttpProblem(409, outcome.refusal.message, {
          type: '/problems/transition-refused',
          title: 'Transition refused',
          extensions: { orderId, currentStatus: outcome.refusal.status, action },
        }),
      };
  }
}
