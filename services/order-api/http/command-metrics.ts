import { Counter, type Registry } from 'prom-client';

export type CommandOutcome =
  | 'ok'
  | 'replayed'
  | 'invalid'
  /** Validated, but not the caller's to ask for (creating an order for another customer). */
  | 'forbidden'
  | 'not_found'
  | 'refused'
  | 'precondition_failed'
  | 'idempotency_key_reused'
  | 'idempotency_key_in_flight'
  /** The database stayed out of reach: the command's outcome could not be learnt (503). */
  | 'unavailable'
  | 'error';

export type CommandMetrics = { count(action: string, outcome: CommandOutcome): void };

export function createCommandMetrics(registry: Registry): CommandMetrics {
  const commands = new Counter({
    name: 'order_commands_total',
    help: 'Order commands (create, place, ship, deliver, cancel) by outcome',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
  });
  return { count: (action, outcome) => commands.inc({ action, outcome }) };
}
