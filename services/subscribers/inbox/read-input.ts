import type { z } from 'zod';
import { HttpProblem } from '../../common/http/problem.js';

/** Validates a request's body or parameters; a 400 listing every problem otherwise. */
export function readInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
): z.infer<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((issue) => `${issue.path.join('.') || what}: ${issue.message}`);
  throw new HttpProblem(400, `Invalid ${what}: ${errors.join('; ')}.`, { extensions: { errors } });
}
