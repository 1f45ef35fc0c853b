import { envNumber } from '../../e2e/support/scenario.js';
import { MIN_SOAK_ORDERS } from './fault-plan.js';

/** Sizes of the soak, from the environment (see docs/testing.md, The soak). */
export function soakSettings(env: NodeJS.ProcessEnv = process.env) {
  const read = (name: string, fallback: number) => envNumber(name, fallback, env);
  const orders = read('SOAK_ORDERS', 10_000);
  if (!Number.isInteger(orders) || orders < MIN_SOAK_ORDERS)
    throw new Error(
      `SOAK_ORDERS must be a whole number of at least ${MIN_SOAK_ORDERS} (got ${env.SOAK_ORDERS})`,
    );
  return {
    orders,
    /** Seed of the warehouse's 503 pattern. */
    seed: read('SOAK_SEED', 30),
    /** How long each wait for the system (catching up, converging after the replay) may last. */
    timeoutMs: read('SOAK_TIMEOUT_MS', 1_800_000),
  };
}

/** The shares of the lifecycles: most orders delivered, 1 in 8 cancelled while pending, about 1 in 6 after placing. */
export const SOAK_SHARES = { cancelEvery: 5, cancelPendingEvery: 8 };

/** Share of the relay's requests to warehouse the fault proxy answers 503, the whole run long. */
export const WAREHOUSE_FAILURE_RATE = 0.3;
