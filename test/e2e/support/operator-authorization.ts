import { operatorToken } from '../../support/test-tokens.js';

let header: Promise<string> | undefined;

/**
 * `Bearer <operator token>` for every call the e2e scenarios and the benchmark make to the Order API
 * and to the subscribers' own routes: the systems they start trust the test key (system.ts), and
 * an operator's token (every scope, any customer) is what staff tooling would hold. Minted once
 * per process; it stays valid for an hour, longer than any run.
 */
export function operatorAuthorization(): Promise<string> {
  header ??= operatorToken().then((token) => `Bearer ${token}`);
  return header;
}
