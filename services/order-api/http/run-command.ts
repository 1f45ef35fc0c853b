import type { Request, Response } from 'express';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../shared/db/database.js';
import { withTransientRetry } from '../../shared/db/transient.js';
import { HttpProblem } from '../../shared/http/problem.js';
import type { Logger } from '../../shared/logger.js';
import type { Clock } from '../clock.js';
import { findIdempotencyRecord } from '../idempotency/find-idempotency-record.js';
import { requestFingerprint } from '../idempotency/fingerprint.js';
import { tryLockIdempotencyKey } from '../idempotency/lock-idempotency-key.js';
import { idempotencyCutoff } from '../idempotency/purge-idempotency-records.js';
import { saveIdempotencyRecord } from '../idempotency/save-idempotency-record.js';
import type { StoredResponse } from '../idempotency/stored-response.js';
import type { OutboxNotifier } from '../store/outbox-notifier.js';
import type { CommandMetrics, CommandOutcome } from './command-metrics.js';
import type { FieldError } from './validation.js';
import { validationProblem } from './validation.js';

export type CommandDeps = {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  metrics: CommandMetrics;
  idempotencyTtlHours: number;
  notifier: OutboxNotifier;
};

/** What a command's body decided: a response to send (and to store under its key), or a problem. */
export type CommandReply =
  | { ok: true; orderId: string; response: StoredResponse; eventCount: number }
  | { ok: false; orderId?: string | undefined; outcome: CommandOutcome; problem: HttpProblem };

export type CommandSpec<Input> = {
  action: string;
  /** Method and route template: an Idempotency-Key means one thing per route. */
  scope: string;
  orderId?: string | undefined;
  /** Validates everything the request carries; errors from every location at once. */
  parse: () => { ok: true; input: Input } | { ok: false; errors: FieldError[] };
  /**
   * Runs the command on `db`: the pool, or a transaction when an Idempotency-Key record must
   * commit with it. Each of its writes must be atomic on its own (one statement).
   */
  execute: (db: Kysely<DB>, input: Input, now: Date) => Promise<CommandReply>;
};

type TransactionResult =
  | { kind: 'reply'; reply: CommandReply }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'key-reused' }
  | { kind: 'in-flight' };

/**
 * The edge of every write: validate, run the command (with an Idempotency-Key, in one transaction
 * with the key's record), then wake the relay. Logs one line and counts one outcome per command.
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
  const key = req.get('idempotency-key');

  let result: TransactionResult;
  try {
    result = await withTransientRetry(() =>
      key === undefined
        ? // Without a key the command is all there is to commit, and its writes are single
          // statements: no BEGIN/COMMIT round trips.
          spec.execute(deps.db, parsed.input, deps.clock()).then((reply) => ({ kind: 'reply', reply }))
        : deps.db
            .transaction()
            .execute((trx) =>
              runWithIdempotencyKey(
                deps,
                trx,
                spec,
                parsed.input,
                key,
                requestFingerprint(req.method, req.path, req.body),
              ),
            ),
    );
  } catch (error) {
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
      // After the commit, and without waiting for it: the wake-up is a hint (DESIGN 3).
      if (reply.eventCount > 0) deps.notifier.notify();
      finish('ok', { events: reply.eventCount });
      send(res, reply.response);
    }
  }
}

/**
 * One transaction holding the Idempotency-Key claim, the command and the stored response: a retry
 * with the same key either waits, replays the stored response, or is refused, never runs twice.
 */
async function runWithIdempotencyKey<Input>(
  deps: CommandDeps,
  trx: Transaction<DB>,
  spec: CommandSpec<Input>,
  input: Input,
  key: string,
  fingerprint: string,
): Promise<TransactionResult> {
  const now = deps.clock();
  if (!(await tryLockIdempotencyKey(trx, spec.scope, key))) return { kind: 'in-flight' };
  const existing = await findIdempotencyRecord(trx, spec.scope, key);
  // An expired record the purge job has not reached yet counts as gone.
  if (existing && existing.createdAt >= idempotencyCutoff(now, deps.idempotencyTtlHours)) {
    return existing.fingerprint === fingerprint
      ? { kind: 'replay', response: existing.response }
      : { kind: 'key-reused' };
  }
  const reply = await spec.execute(trx, input, now);
  // Only successes are stored: a refused request wrote nothing, so its retry is judged afresh.
  if (reply.ok) {
    await saveIdempotencyRecord(trx, {
      scope: spec.scope,
      key,
      fingerprint,
      response: reply.response,
      createdAt: now,
    });
  }
  return { kind: 'reply', reply };
}

function send(res: Response, response: StoredResponse): void {
  res.status(response.status).set(response.headers).json(response.body);
}

function orderIdOf(body: unknown): string | undefined {
  const id = (body as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}
