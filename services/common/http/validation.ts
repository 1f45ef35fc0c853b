import type { z } from 'zod';
import { HttpProblem } from './problem.js';

export type FieldLocation = 'path' | 'query' | 'header' | 'body';
export type FieldError = { in: FieldLocation; field: string; message: string };

export const VALIDATION_PROBLEM_TYPE = '/problems/validation';

type Issue = z.core.$ZodIssue;

/** "required" reads better than zod's "expected string, received undefined". */
const messages: z.core.$ZodErrorMap = (issue) =>
  issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined;

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function parseAt<S extends z.ZodType>(
  location: FieldLocation,
  schema: S,
  input: unknown,
): Parsed<z.output<S>> {
  const result = schema.safeParse(input, { error: messages });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: toFieldErrors(location, result.error.issues) };
}

/** Collects every location's errors into one 400, so a client sees all its mistakes at once. */
export function validationProblem(errors: FieldError[]): HttpProblem {
  const fields = errors.map((error) => `${error.field} (${error.message})`).join('; ');
  return new HttpProblem(400, `The request is invalid: ${fields}.`, {
    type: VALIDATION_PROBLEM_TYPE,
    title: 'Invalid request',
    extensions: { errors },
  });
}

/** One entry per bad field: unknown keys are listed one by one, a field's later issues are dropped. */
export function toFieldErrors(location: FieldLocation, issues: readonly Issue[]): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const add = (path: readonly PropertyKey[], message: string) => {
    const field = fieldName(location, path);
    if (seen.has(field)) return;
    seen.add(field);
    errors.push({ in: location, field, message });
  };
  const visit = (issue: Issue, prefix: readonly PropertyKey[]) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...path, key], 'is not a known field');
    } else if (issue.code === 'invalid_union') {
      const branch = matchingBranch(issue.errors);
      if (branch) for (const inner of branch) visit(inner, path);
      else add(path, 'must be a SKU string or an object {sku, quantity}');
    } else {
      add(path, issue.message);
    }
  };
  for (const issue of issues) visit(issue, []);
  return errors;
}

/**
 * A union fails as a whole; the useful errors are those of the branch whose type the value had
 * (a SKU string or an item object), not the "expected string" of the branch it never meant.
 */
function matchingBranch(branches: Issue[][]): Issue[] | undefined {
  return branches.find(
    (issues) => !issues.every((issue) => issue.code === 'invalid_type' && issue.path.length === 0),
  );
}

function fieldName(location: FieldLocation, path: readonly PropertyKey[]): string {
  if (path.length === 0) return location;
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}
