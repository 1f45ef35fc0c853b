import type { LocalAuth } from './local-auth.js';
import type { ServiceStatus } from './supervisor.js';

/**
 * What `npm start` prints once every service answered /healthz (or gave up): where each one is,
 * and how to get in: two tokens ready to paste, or a plain statement that auth is off.
 */
export function readyBanner(statuses: ServiceStatus[], databaseSource: string, auth: LocalAuth): string {
  const width = Math.max(0, ...statuses.map((status) => status.service.length));
  const lines = statuses.map(
    ({ service, url, healthy }) => `  ${service.padEnd(width)}  ${url}${healthy ? '' : '  (not healthy)'}`,
  );
  const allHealthy = statuses.every((status) => status.healthy);
  const headline = allHealthy
    ? 'Order outbox is up'
    : 'Order outbox started with failures (see the log above)';
  const urlOf = (service: string, fallback: string) =>
    statuses.find((status) => status.service === service)?.url ?? fallback;
  return [
    '',
    `${headline} (PostgreSQL: ${databaseSource}).`,
    ...lines,
    '',
    `Operator's console (the relay's admin port): ${urlOf('relay', 'http://127.0.0.1:3005')}/`,
    '',
    ...authLines(
      auth,
      urlOf('order-api', 'http://127.0.0.1:3000'),
      urlOf('inventory', 'http://127.0.0.1:3002'),
    ),
    '',
    'Press Ctrl-C to stop.',
    '',
    '',
  ].join('\n');
}

function authLines(auth: LocalAuth, orderApi: string, inventory: string): string[] {
  if (auth.mode === 'off') {
    return [
      'Auth is OFF (AUTH_MODE=off): every request is accepted without a token, with every scope.',
      'Never expose these ports like this (docs/security.md).',
    ];
  }
  if (auth.mode === 'external') {
    return [
      'Auth is on, with the keys your environment names (AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE):',
      'get tokens from that identity provider.',
    ];
  }
  const order = JSON.stringify({ customerId: auth.customer.subject, items: [{ sku: 'MUG', quantity: 1 }] });
  return [
    `Auth is on. Tokens signed by the local key in ${auth.keyFolder}, valid ${auth.lifetime} (until ${auth.expiresAt.toISOString()}):`,
    '',
    `A customer's (${auth.customer.subject}: ${auth.customer.scopes.join(' ')}):`,
    `  CUSTOMER_TOKEN=${auth.customer.token}`,
    `  curl -H "Authorization: Bearer $CUSTOMER_TOKEN" -H 'content-type: application/json' -d '${order}' ${orderApi}/orders`,
    '',
    "An operator's (every scope):",
    `  OPERATOR_TOKEN=${auth.operator.token}`,
    `  curl -H "Authorization: Bearer $OPERATOR_TOKEN" ${orderApi}/orders`,
    `  curl -H "Authorization: Bearer $OPERATOR_TOKEN" ${inventory}/stock/MUG`,
    '',
    'More: npm run -s token -- --customer <id>, --operator, or --sub <id> --scopes a,b (see docs/security.md).',
  ];
}
