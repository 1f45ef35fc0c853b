import type { Request, Response } from 'express';
import type { Kysely } from 'kysely';
import { callerOf } from '../../common/auth/caller.js';
import type { DB } from '../../common/db/database.js';
import { isTransientDatabaseError } from '../../common/db/transient.js';
import { HttpProblem } from '../../common/http/problem.js';
import type { Logger } from '../../common/logger.js';
import type { Clock } from '../../common/clock.js';
import { requestFingerprint } from '../idempotency/fingerprint.js';
import { idempotencyKeyScope } from '../idempotency/key-scope.js';
import type { StoredResponse } from '../idempotency/stored-response.js';
import { commandStore, type CommandStore } from '../store/command-store.js';
import type { OutboxNotifier } from '../store/outbox-notifier.js';
import type { CommandMetrics, CommandOutcome } from './command-metrics.js';
import { runAtMostOnce } from './run-at-most-once.js';
import { KeyHeldByLostAttempt, runWithIdempotencyKey, type KeyedResult } from './run-with-idempotency-key.js';
import type { FieldError } from '../../common/http/validation.js';
import { validationProblem } from '../../common/http/validation.js';

/** What a client is told to wait before retrying a command whose outcome could not be learnt. */
const RETRY_AFTER_SECONDS = 1;

export type CommandDeps = {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  metrics: CommandMetrics;
  idempotencyRetentionMs: number;
  notifier: OutboxNotifier;
};

/** What a command's body decided: a response to send (and to store under its key), or a problem. */
export type CommandReply =
  | { ok: true; orderId: string; response: StoredResponse; eventCount: number }
  | { ok: false; orderId?: string | undefined; outcome: CommandOutcome; problem: HttpProblem };

export type CommandSpec<Input> = {
  action: string;
  /** Method and route template: an Idempotency-Key means one thing per route (and per caller). */
  scope: string;
  orderId?: string | undefined;
  /**
   * The customer whose orders the command may act on (see ordersOwnedBy), or undefined for any: the
   * store it runs through finds no other order, so another customer's order is not found (404).
   */
  ownedBy: string | undefined;
  /** Validates everything the request carries; errors from every location at once. */
  parse: () => { ok: true; input: Input } | { ok: false; errors: FieldError[] };
  /** Whether the caller may ask for this input (403 otherwise); checked before anything is written. */
  forbidden?: (input: Input) => HttpProblem | undefined;
  /**
   * Runs the command through `store`, whose every write is one statement: over the pool, or over
   * the transaction an Idempotency-Key record commits with. The command never gets the pool itself.
   */
  execute: (store: CommandStore, input: Input, now: Date) => Promise<CommandReply>;
  /**
   * After an attempt whose outcome is unknown (its connection was lost, maybe after the commit): the
   * reply of the attempt that committed, found by the ids (order id, event ids) the request chose
   * before its first attempt and wrote on each; undefined when no attempt committed.
   */
  findCommitted: (db: Kysely<DB>, input: Input) => Promise<CommandReply | undefined>;
};

/**
 * The edge of every write: validate, run the command (with an Idempotency-Key, in one transaction
 * with the key's record), then wake the relay. Logs one line and counts one outcome per command.
 * A lost database connection never makes a command apply twice or refuse its own write; when the
 * database stays out of reach so that the outcome cannot be learnt, the answer is 503.
 */
export async function runCommand<Input>(
  deps: CommandDeps,
  req: Request,
  res: Response,
  spec: CommandSpec<Input>,
): Promise<void> {
  const started = performance.now();
  let orderId = spec.orderId;
  const finish = (outcome: CommandOutcome, extra: Record<string, unknown> = {}) => {
    deps.metrics.count(spec.action, outcome);
    const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    deps.logger.info({ orderId, action: spec.action, outcome, durationMs, ...extra }, 'order command');
  };

  const parsed = spec.parse();
  if (!parsed.ok) {
    finish('invalid');
    throw validationProblem(parsed.errors);
  }
  const refusal = spec.forbidden?.(parsed.input);
  if (refusal) {
    finish('forbidden');
    throw refusal;
  }
  const key = req.get('idempotency-key');
  const store = (db: Kysely<DB>) => commandStore(db, spec.ownedBy);

  let result: KeyedResult;
  let recovered = false;
  try {
    if (key === undefined) {
      // Without a key the command is all there is to commit, and its writes are single
      // statements: no BEGIN/COMMIT round trips.
      const ran = await runAtMostOnce({
        execute: () => spec.execute(store(deps.db), parsed.input, deps.clock()),
        findCommitted: () => spec.findCommitted(deps.db, parsed.input),
      });
      result = { kind: 'reply', reply: ran.reply };
      recovered = ran.recovered;
    } else {
      const fingerprint = requestFingerprint(req.method, req.path, req.body);
      const scope = idempotencyKeyScope(spec.scope, callerOf(res).subject);
      result = await runWithIdempotencyKey(deps, spec, store, parsed.input, { scope, key, fingerprint });
    }
  } catch (error) {
    if (isTransientDatabaseError(error) || error instanceof KeyHeldByLostAttempt) {
      finish('unavailable', { reason: (error as Error).message });
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      throw new HttpProblem(
        503,
        'The database could not be reached to finish this command or to learn whether it took effect. ' +
          'Retry later; a retry with the same Idempotency-Key cannot apply it twice.',
        { type: '/problems/database-unavailable' },
      );
    }
    finish('error');
    throw error;
  }

  switch (result.kind) {
    case 'in-flight':
      finish('idempotency_key_in_flight');
      throw new HttpProblem(
        409,
        'A request with this Idempotency-Key is still being processed; retry later.',
        {
          type: '/problems/idempotency-key-in-flight',
        },
      );
    case 'key-reused':
      finish('idempotency_key_reused');
      throw new HttpProblem(422, 'This Idempotency-Key was already used with a different request.', {
        type: '/problems/idempotency-key-reused',
      });
    case 'replay':
      // A replayed create knows its order only from the stored body.
      orderId ??= orderIdOf(result.response.body);
      finish('replayed');
      res.set('Idempotent-Replayed', 'true');
      send(res, result.response);
      return;
    case 'reply': {
      const { reply } = result;
      if (reply.orderId) orderId = reply.orderId;
      if (!reply.ok) {
        finish(reply.outcome);
        throw reply.problem;
      }
      // After the commit, and without waiting for it: the wake-up is a hint.
      if (reply.eventCount > 0) deps.notifier.notify();
      finish('ok', { events: reply.eventCount, ...(recovered ? { recovered } : {}) });
      send(res, reply.response);
    }
  }
}

function send(res: Response, response: StoredResponse): void {
  res.status(response.status).set(response.headers).json(response.body);
}

function orderIdOf(body: unknown): string | undefined {
  const id = (body as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}
