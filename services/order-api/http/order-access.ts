import { hasScope, type Caller } from '../../common/auth/caller.js';
import { HttpProblem } from '../../common/http/problem.js';

export const NOT_YOUR_CUSTOMER_TYPE = '/problems/not-your-customer';

/**
 * The customer whose orders the caller may see and change: its subject, or undefined (any
 * customer's) when its token carries orders:admin. Stores take it as a condition of their reads,
 * so an order of another customer is simply not found: 404, exactly like an order that does not
 * exist, and ids of other customers' orders cannot be probed.
 */
export function ordersOwnedBy(caller: Caller): string | undefined {
  return hasScope(caller, 'orders:admin') ? undefined : caller.subject;
}

/**
 * 403 for naming another customer outright (creating an order for it, listing its orders): the
 * request says whose orders it means, so there is nothing to hide by pretending they do not exist.
 */
export function notYourCustomer(customerId: string, owner: string): HttpProblem {
  return new HttpProblem(
    403,
    `This token acts for customer ${owner} only; orders of customer ${customerId} need orders:admin.`,
    {
      type: NOT_YOUR_CUSTOMER_TYPE,
      title: 'Not your customer',
      extensions: { customerId },
    },
  );
}
