import type { Response } from 'express';
import { ALL_SCOPES, type Scope } from './scopes.js';

/** Who sent a request, as its verified token says: the subject and the scopes it was granted. */
export type Caller = {
  subject: string;
  scopes: ReadonlySet<string>;
  /** False only when authentication is turned off (AUTH_MODE=off). */
  authenticated: boolean;
};

/** With AUTH_MODE=off every request acts as this caller: all scopes, any customer's orders. */
export const UNAUTHENTICATED_CALLER: Caller = {
  subject: 'anonymous',
  scopes: new Set(ALL_SCOPES),
  authenticated: false,
};

export function hasScope(caller: Caller, scope: Scope): boolean {
  return caller.scopes.has(scope);
}

/** The caller `authenticate` put on the response; a route mounted without it is a wiring mistake. */
export function callerOf(res: Response): Caller {
  const caller = (res.locals as { caller?: Caller }).caller;
  if (!caller) throw new Error('callerOf: the route is not behind authenticate()');
  return caller;
}

export function setCaller(res: Response, caller: Caller): void {
  (res.locals as { caller?: Caller }).caller = caller;
}

/** The caller, when `authenticate` ran before (middleware that also serves unauthenticated paths). */
export function findCaller(res: Response): Caller | undefined {
  return (res.locals as { caller?: Caller }).caller;
}
