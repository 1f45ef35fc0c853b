import { describe, expect, it } from '@jest/globals';
import type { LocalAuth } from './local-auth.js';
import { readyBanner } from './ready-banner.js';

const STATUSES = [
  { service: 'order-api', url: 'http://127.0.0.1:3000', healthy: true },
  { service: 'relay', url: 'http://127.0.0.1:3005', healthy: true },
  { service: 'inventory', url: 'http://127.0.0.1:3002', healthy: true },
];

const LOCAL: LocalAuth = {
  mode: 'local',
  env: {},
  keyFolder: '.data/auth',
  expiresAt: new Date('2026-12-02T08:00:00Z'),
  lifetime: '24h',
  customer: {
    subject: 'customer-1',
    scopes: ['orders:create', 'orders:read'],
    token: 'customer.token.value',
  },
  operator: { subject: 'operator', scopes: ['orders:admin'], token: 'operator.token.value' },
};

describe('the ready banner', () => {
  it('lists every service and gives a customer’s and an operator’s token, each with a curl that uses it', () => {
    const banner = readyBanner(STATUSES, 'embedded', LOCAL);

    expect(banner).toContain('Order outbox is up (PostgreSQL: embedded).');
    expect(banner).toContain('  order-api  http://127.0.0.1:3000\n');
    expect(banner).toContain("Operator's console (the relay's admin port): http://127.0.0.1:3005/\n");
    expect(banner).toContain('valid 24h (until 2026-12-02T08:00:00.000Z)');
    expect(banner).toContain('  CUSTOMER_TOKEN=customer.token.value\n');
    expect(banner).toContain('  OPERATOR_TOKEN=operator.token.value\n');
    expect(banner).toMatch(
      /curl -H "Authorization: Bearer \$CUSTOMER_TOKEN" .*-d '\{"customerId":"customer-1",.*' http:\/\/127\.0\.0\.1:3000\/orders\n/,
    );
    expect(banner).toContain(
      'curl -H "Authorization: Bearer $OPERATOR_TOKEN" http://127.0.0.1:3002/stock/MUG',
    );
    expect(banner).toContain('npm run -s token -- --customer <id>');
    expect(banner).not.toMatch(/auth is off/i);
  });

  it('says plainly that auth is off, and prints no token, with AUTH_MODE=off', () => {
    const banner = readyBanner(STATUSES, 'embedded', { mode: 'off', env: {} });

    expect(banner).toMatch(/Auth is OFF \(AUTH_MODE=off\)/);
    expect(banner).not.toMatch(/TOKEN|Bearer/);
  });

  it('sends the caller to its identity provider when the environment names the keys', () => {
    const banner = readyBanner(STATUSES, 'DATABASE_URL', { mode: 'external', env: {} });

    expect(banner).toMatch(/Auth is on, with the keys your environment names/);
    expect(banner).not.toMatch(/TOKEN=/);
  });

  it('marks a service that never became healthy', () => {
    const banner = readyBanner([{ ...STATUSES[0]!, healthy: false }], 'embedded', { mode: 'off', env: {} });
    expect(banner).toContain('Order outbox started with failures');
    expect(banner).toContain('order-api  http://127.0.0.1:3000  (not healthy)');
  });
});
