import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { parse } from 'yaml';
import { createLogger } from '../../services/common/logger.js';
import { createRelayAdminApp } from '../../services/relay/admin-app.js';
import { startRelay, type Relay } from '../../services/relay/relay.js';
import { createRelayMetrics } from '../../services/relay/relay-metrics.js';
import { createWarehouseApp } from '../../services/subscribers/warehouse/create-warehouse-app.js';
import { PROJECT_ROOT } from '../support/fixture-process.js';
import { testRelayConfig } from '../support/relay-harness.js';
import { serve, type Served } from '../support/serve.js';
import { generateWebhookSecret } from '../support/subscriber-delivery.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { testAuthConfig } from '../support/test-tokens.js';

type AlertRule = {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};
type Dashboard = { uid: string; panels: { title: string; targets: { expr: string }[] }[] };

const alerts = parse(readFileSync(join(PROJECT_ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as {
  groups: { name: string; rules: AlertRule[] }[];
};
const dashboard = JSON.parse(
  readFileSync(join(PROJECT_ROOT, 'deploy/grafana/outbox.json'), 'utf8'),
) as Dashboard;
const rules = alerts.groups.flatMap((group) => group.rules);
const expressions = [
  ...rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
  ...dashboard.panels.flatMap((panel) =>
    panel.targets.map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr })),
  ),
];

/**
 * The series names an expression reads: identifiers of our services' metric families (relay_,
 * inbox_, http_, nats_); Prometheus's own `up` is not the services' to export.
 */
function referencedNames(expr: string): string[] {
  return [...expr.matchAll(/\b(?:relay|inbox|http|nats)_[a-z0-9_]+\b/g)].map((match) => match[0]);
}

/** Every series name a /metrics page can carry: each family's, and a histogram's _bucket, _sum, _count. */
async function exportedNames(baseUrl: string): Promise<Set<string>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

let database: TestDatabase;
let relay: Relay;
let relayAdmin: Served;
let subscriber: Served;

beforeAll(async () => {
  database = await createTestDatabase();
  const logger = createLogger('monitoring-test', 'silent');
  const registry = new Registry();
  relay = startRelay({
    db: database.db,
    databaseUrl: database.url,
    config: testRelayConfig(),
    logger,
    metrics: createRelayMetrics(registry, database.db),
    maintenance: false,
  });
  relayAdmin = await serve(
    createRelayAdminApp({ relay, db: database.db, registry, logger, bodyLimit: '1kb' }),
  );
  subscriber = await serve(
    createWarehouseApp({
      db: database.db,
      webhookSecrets: [generateWebhookSecret()],
      auth: await testAuthConfig(),
      clock: () => new Date(),
      logger,
      bodyLimit: '1mb',
    }),
  );
});

afterAll(async () => {
  await subscriber.close();
  await relayAdmin.close();
  await relay.stop();
  await database.destroy();
});

describe('the alert rules and the dashboard', () => {
  it('read only metrics that a running relay or subscriber exports on /metrics', async () => {
    const exported = new Set([
      ...(await exportedNames(relayAdmin.baseUrl)),
      ...(await exportedNames(subscriber.baseUrl)),
    ]);
    expect(exported.has('relay_backlog_events')).toBe(true);
    expect(exported.has('inbox_batch_apply_seconds_bucket')).toBe(true);
    const missing = expressions.flatMap(({ where, expr }) =>
      referencedNames(expr)
        .filter((name) => !exported.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(missing).toEqual([]);
    // Every expression reads at least one series (a typo in a prefix would read none)
    for (const { where, expr } of expressions)
      expect({ where, reads: referencedNames(expr).length > 0 || /\bup\{/.test(expr) }).toEqual({
        where,
        reads: true,
      });
  });

  it('cover dead letters, a relay down or without heartbeat, lag, unauthorized and a long-held fence', () => {
    const reads = (name: string) =>
      rules.filter((rule) => rule.expr.includes(name)).map((rule) => rule.alert);
    expect(reads('relay_dead_letters')).not.toEqual([]);
    expect(reads('up{job="outbox-relay"}')).not.toEqual([]);
    expect(reads('relay_heartbeat_age_seconds')).not.toEqual([]);
    expect(reads('relay_lag_seconds')).not.toEqual([]);
    expect(reads('relay_unauthorized')).not.toEqual([]);
    expect(reads('relay_fence_held_seconds')).not.toEqual([]);
    for (const rule of rules) {
      expect({
        alert: rule.alert,
        severity: rule.labels?.severity,
        summary: typeof rule.annotations?.summary,
      }).toEqual({
        alert: rule.alert,
        severity: expect.stringMatching(/^(warning|critical)$/),
        summary: 'string',
      });
    }
  });

  it('sum counts and max ages of the stream gauges over instances, never read them bare', () => {
    const counts = ['relay_backlog_events', 'relay_dead_letters', 'relay_held_events'];
    const ages = [
      'relay_lag_seconds',
      'relay_fence_held_seconds',
      'relay_unauthorized',
      'relay_failing_attempts',
    ];
    for (const { where, expr } of expressions) {
      for (const name of counts)
        if (expr.includes(name))
          expect({ where, expr }).toEqual({
            where,
            expr: expect.stringMatching(new RegExp(`sum by \\(subscription\\) \\(${name}\\)`)),
          });
      for (const name of ages)
        if (expr.includes(name))
          expect({ where, expr }).toEqual({
            where,
            expr: expect.stringMatching(new RegExp(`max by \\(subscription\\) \\(${name}\\)`)),
          });
    }
  });
});
