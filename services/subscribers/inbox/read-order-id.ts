import { z } from 'zod';
import { HttpProblem } from '../../common/http/problem.js';

const orderIdSchema = z.uuid();

/** An order id from a path or query parameter, or a 400 naming the parameter. */
export function readOrderId(value: unknown, parameter: string): string {
  const parsed = orderIdSchema.safeParse(value);
  if (!parsed.success) {
    throw new HttpProblem(
      400,
      `${parameter} must be an order id (a UUID), got ${JSON.stringify(value ?? null)}.`,
    );
  }
  return parsed.data;
}
