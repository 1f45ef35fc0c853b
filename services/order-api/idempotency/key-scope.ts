/**
 * What an Idempotency-Key is scoped by: the caller (its token's subject) and the route ("POST
 * /orders/:id/place"). Two callers choosing the same key are two requests, so one caller's key can
 * never replay another caller's stored response, nor hold it in flight. The route never contains
 * " by ", so the caller is whatever follows the first one.
 */
export function idempotencyKeyScope(route: string, subject: string): string {
  return `${route} by ${subject}`;
}
