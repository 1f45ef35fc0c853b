import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../services/common/auth/local-signing-key.js';
import { SERVICES } from '../../services/launcher/service-list.js';
import { DEFAULT_SUBSCRIBERS } from '../../services/common/events/default-subscribers.js';
import { isWebhookSecret } from '../../services/common/events/webhook-signature.js';
import {
  subscriberDatabaseName,
  subscriberDatabaseVariable,
} from '../../services/common/postgres/subscriber-databases.js';
import { parseNatsEndpoint } from '../../services/common/nats/nats-endpoint.js';
import { subscriptionInputSchema } from '../../services/relay/subscriptions/subscription.js';
import { eventSourceType, eventSourceVariable } from '../../services/subscribers/nats/event-source.js';
import { PROJECT_ROOT } from '../support/fixture-process.js';

// No Docker engine runs where the tests run, so the compose file is checked by reading it: parsed
// as compose parses it (YAML merge keys on) and held against the service list and the contract.
type ComposeService = {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string | string[];
  healthcheck?: { test: string[]; interval?: string; retries?: number };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  restart?: string;
};

const text = readFileSync(join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(text, { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const service = (name: string): ComposeService => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const portOf = (name: string) => SERVICES.find((entry) => entry.name === name)!.defaultPort;
const required = (variable: string) => new RegExp(`^\\$\\{${variable}:\\?[^}]+\\}$`);

describe('docker-compose.yml', () => {
  it('has PostgreSQL, NATS, the trace viewer, the migration, the token signing key and every service the launcher runs', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['postgres', 'nats', 'jaeger', 'migrate', 'keys', ...SERVICES.map((entry) => entry.name)].sort(),
    );
    expect(service('postgres').image).toBe('postgres:17');
    expect(service('postgres').healthcheck?.test.join(' ')).toMatch(/pg_isready/);
  });

  it('runs migrations once PostgreSQL is healthy, with the built CLI', () => {
    const migrate = service('migrate');
    expect(migrate.command).toEqual(['node', 'dist/services/cli/main.js', 'migrate']);
    expect(migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(migrate.environment?.DATABASE_URL).toMatch(/@postgres:5432\/outbox$/);
    // No subscriber URL: `outbox migrate` then creates each one's database by its convention.
    for (const subscriber of DEFAULT_SUBSCRIBERS)
      expect(migrate.environment?.[subscriberDatabaseVariable(subscriber.name)]).toBeUndefined();
  });

  it('makes the token signing key once, into a named volume, with the built key script', () => {
    const keys = service('keys');
    expect(keys.image).toBe('order-outbox:local');
    expect(keys.command).toEqual(['node', 'dist/scripts/auth-keys.js', '--public-dir', '/app/public-keys']);
    expect(keys.environment?.DATA_DIR).toBe('/app/.data');
    // localSigningKey writes DATA_DIR/auth: the volume is that folder, kept across restarts
    // and a copy of the public key set alone into another, the only one the services mount
    expect(keys.volumes).toEqual(['auth-keys:/app/.data/auth', 'auth-public:/app/public-keys']);
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['auth-keys', 'auth-public']));
  });

  it('turns auth on in the Order API and every subscriber, trusting only the public half of that key', () => {
    for (const name of ['order-api', ...DEFAULT_SUBSCRIBERS.map((subscriber) => subscriber.name)]) {
      const container = service(name);
      expect({ name, env: container.environment }).toMatchObject({
        name,
        env: {
          AUTH_MODE: 'jwt',
          AUTH_PUBLIC_KEY_FILE: '/app/public-keys/jwks.json',
          AUTH_ISSUER: LOCAL_ISSUER,
          AUTH_AUDIENCE: LOCAL_AUDIENCE,
        },
      });
      expect(container.environment?.AUTH_JWKS_URL).toBeUndefined();
      // the public key set only: the private key's volume is the keys service's alone
      expect(container.volumes).toEqual(['auth-public:/app/public-keys:ro']);
      expect(container.depends_on?.keys).toEqual({ condition: 'service_completed_successfully' });
    }
    // The relay checks no JWT (its admin port has a token of its own), and needs no key
    expect(service('relay').volumes).toBeUndefined();
    expect(text).not.toMatch(/AUTH_MODE: *'?off/);
  });

  it('gives each subscriber its own database, the one the migration creates, and not the main one', () => {
    for (const subscriber of DEFAULT_SUBSCRIBERS) {
      const env = service(subscriber.name).environment ?? {};
      const own = subscriberDatabaseName('outbox', subscriber.name);
      expect(env[subscriberDatabaseVariable(subscriber.name)]).toMatch(
        new RegExp(`^postgres://outbox:\\$\\{POSTGRES_PASSWORD:\\?[^}]+\\}@postgres:5432/${own}$`),
      );
      expect(env.DATABASE_URL).toBeUndefined();
    }
    for (const name of ['order-api', 'relay'])
      for (const subscriber of DEFAULT_SUBSCRIBERS)
        expect(service(name).environment?.[subscriberDatabaseVariable(subscriber.name)]).toBeUndefined();
  });

  it.each(SERVICES.map((entry) => [entry.name, entry] as const))(
    'runs %s from the one image, after the migration, with its port, env and /healthz check',
    (name, entry) => {
      const container = service(name);
      expect(container.build).toBe('.');
      expect(container.image).toBe('order-outbox:local');
      expect(container.command?.at(-1)).toBe(`dist/${entry.module}.js`);
      expect(container.env_file).toBe('.env.example');
      expect(container.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
      const env = container.environment ?? {};
      const isSubscriber = DEFAULT_SUBSCRIBERS.some((subscriber) => subscriber.name === name);
      const databaseVariable = isSubscriber ? subscriberDatabaseVariable(name) : 'DATABASE_URL';
      expect(env[databaseVariable]).toMatch(
        /^postgres:\/\/outbox:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/outbox(_[a-z]+)?$/,
      );
      expect(env[entry.portVariable]).toBe(String(entry.defaultPort));
      expect(container.ports).toEqual([`127.0.0.1:${entry.defaultPort}:${entry.defaultPort}`]);
      // The slim image has no curl: the check is node's own fetch, on the port set above.
      expect(container.healthcheck?.test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
      expect(container.healthcheck?.test[3]).toContain(`http://127.0.0.1:${entry.defaultPort}/healthz`);
    },
  );

  it('runs Jaeger all-in-one, its UI and OTLP/HTTP on loopback, and points every service at it', () => {
    const jaeger = service('jaeger');
    expect(jaeger.image).toMatch(/^jaegertracing\/all-in-one:\d+\.\d+\.\d+$/);
    expect(jaeger.ports).toEqual(['127.0.0.1:16686:16686', '127.0.0.1:4318:4318']);
    for (const entry of SERVICES) {
      const env = service(entry.name).environment ?? {};
      expect({ name: entry.name, endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT }).toEqual({
        name: entry.name,
        endpoint: 'http://jaeger:4318',
      });
      // Each service keeps its own name in the traces (its default), unless told otherwise.
      expect(env.OTEL_SERVICE_NAME).toBeUndefined();
    }
  });

  it('gives the relay every subscriber endpoint inside the compose network and every secret, required', () => {
    const relay = service('relay');
    for (const subscriber of DEFAULT_SUBSCRIBERS) {
      expect(relay.environment?.[subscriber.urlVariable]).toBe(
        `http://${subscriber.name}:${portOf(subscriber.name)}/events`,
      );
      expect(relay.environment?.[subscriber.secretVariable]).toMatch(required(subscriber.secretVariable));
      expect(relay.depends_on?.[subscriber.name]).toEqual({ condition: 'service_healthy' });
    }
  });

  it('publishes the relay admin port on loopback only, bound in the container behind a required token', () => {
    const relay = service('relay');
    expect(relay.ports).toEqual(['127.0.0.1:3005:3005']);
    expect(relay.environment?.RELAY_ADMIN_HOST).toBe('0.0.0.0');
    expect(relay.environment?.RELAY_ADMIN_TOKEN).toMatch(required('RELAY_ADMIN_TOKEN'));
  });

  it('gives each subscriber its own secret from the environment, and ships no secret at all', () => {
    for (const subscriber of DEFAULT_SUBSCRIBERS) {
      const env = service(subscriber.name).environment ?? {};
      expect(env[subscriber.secretVariable]).toMatch(required(subscriber.secretVariable));
      const others = DEFAULT_SUBSCRIBERS.filter((other) => other !== subscriber);
      for (const other of others) expect(env[other.secretVariable]).toBeUndefined();
    }
    expect(service('postgres').environment?.POSTGRES_PASSWORD).toMatch(required('POSTGRES_PASSWORD'));
    expect(text).not.toMatch(/whsec_/);
  });
});

type ComposeFile = { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };

/** What `docker compose -f a -f b` does with two files: mappings merged key by key, the rest replaced. */
function overlay(base: unknown, over: unknown): unknown {
  const isMap = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isMap(base) || !isMap(over)) return over;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over))
    merged[key] = key in base ? overlay(base[key], value) : value;
  return merged;
}

describe('NATS in docker compose', () => {
  const overrideText = readFileSync(join(PROJECT_ROOT, 'docker-compose.nats.yml'), 'utf8');
  const override = parse(overrideText, { merge: true }) as ComposeFile;
  const natsCompose = overlay(compose, override) as ComposeFile;
  const natsService = (name: string) => natsCompose.services[name]!;

  it('runs a JetStream server with its store in a named volume and a healthcheck the image can run', () => {
    const nats = service('nats');
    expect(nats.image).toMatch(/^nats:2\.\d+-alpine$/);
    expect(nats.command).toEqual(['-js', '-sd', '/data', '-m', '8222']);
    expect(nats.volumes).toEqual(['natsdata:/data']);
    expect(Object.keys(compose.volumes)).toContain('natsdata');
    // The plain nats image has no shell tools; the alpine one's busybox wget asks the monitoring port
    expect(nats.healthcheck?.test).toEqual([
      'CMD',
      'wget',
      '-q',
      '-O',
      '/dev/null',
      'http://127.0.0.1:8222/healthz',
    ]);
    expect(nats.ports).toEqual(['127.0.0.1:4222:4222']);
  });

  it('keeps delivery on HTTP without the override: no service takes its events from NATS or waits for it', () => {
    for (const [name, container] of Object.entries(services)) {
      expect({ name, nats: container.depends_on?.nats }).toEqual({ name, nats: undefined });
      for (const subscriber of DEFAULT_SUBSCRIBERS)
        expect(container.environment?.[eventSourceVariable(subscriber.name)]).toBeUndefined();
    }
    expect(service('relay').environment?.RELAY_DEFAULT_SUBSCRIPTIONS).toBeUndefined();
    const example = readFileSync(join(PROJECT_ROOT, '.env.example'), 'utf8');
    for (const subscriber of DEFAULT_SUBSCRIBERS)
      expect(example).toMatch(new RegExp(`^${eventSourceVariable(subscriber.name)}=http$`, 'm'));
  });

  it('overrides only services of the compose file, plus the one-shot that adds the NATS subscription', () => {
    expect(Object.keys(override.services).filter((name) => !(name in services))).toEqual([
      'nats-subscription',
    ]);
  });

  it('has every subscriber consume the stream the relay subscription publishes to, with its partition count', () => {
    const add = natsService('nats-subscription');
    expect(add.image).toBe('order-outbox:local');
    expect(add.restart).toBe('no');
    expect(add.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' } });
    expect(add.environment?.DATABASE_URL).toMatch(
      /^postgres:\/\/outbox:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/outbox$/,
    );
    const [node, cli, ...args] = add.command ?? [];
    expect([node, cli, args[0], args[1]]).toEqual([
      'node',
      'dist/services/cli/main.js',
      'subscriptions',
      'add',
    ]);
    const option = (name: string) => args[args.indexOf(name) + 1]!;
    // What the CLI itself accepts
    const input = subscriptionInputSchema.parse({
      name: args[2],
      endpointUrl: args[3],
      eventTypes: option('--events').split(','),
      secret: `whsec_${Buffer.alloc(32).toString('base64')}`,
      from: 'beginning',
      partitions: Number(option('--partitions')),
    });
    const published = parseNatsEndpoint(input.endpointUrl);
    if (!published.ok) throw new Error(published.error);
    expect(published.endpoint.servers).toBe('nats://nats:4222');
    for (const subscriber of DEFAULT_SUBSCRIBERS) {
      expect(input.eventTypes).toEqual(expect.arrayContaining(subscriber.eventTypes));
      const container = natsService(subscriber.name);
      const source = eventSourceType().parse(container.environment?.[eventSourceVariable(subscriber.name)]);
      if (source.kind !== 'nats') throw new Error(`${subscriber.name} does not consume from NATS`);
      expect({ subscriber: subscriber.name, ...source.endpoint }).toEqual({
        subscriber: subscriber.name,
        ...published.endpoint,
        partitions: input.partitions,
      });
      expect(container.depends_on?.nats).toEqual({ condition: 'service_healthy' });
      // Still after the migration and the signing key, and still with its own database and secret
      expect(container.depends_on?.keys).toEqual({ condition: 'service_completed_successfully' });
      expect(container.environment?.[subscriber.secretVariable]).toMatch(required(subscriber.secretVariable));
    }
  });

  it('has the relay make no HTTP subscription and start once NATS is healthy and the subscription is added', () => {
    const relay = natsService('relay');
    expect(relay.environment?.RELAY_DEFAULT_SUBSCRIPTIONS).toBe('false');
    expect(relay.depends_on).toMatchObject({
      nats: { condition: 'service_healthy' },
      'nats-subscription': { condition: 'service_completed_successfully' },
      migrate: { condition: 'service_completed_successfully' },
    });
    expect(relay.environment?.DATABASE_URL).toBe(service('relay').environment?.DATABASE_URL);
    expect(overrideText).not.toMatch(/whsec_/);
  });
});

describe('the Dockerfile', () => {
  const dockerfile = readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8');

  it('builds in one stage and runs production dependencies plus dist in another', () => {
    expect(dockerfile).toMatch(/^FROM node:20\S* AS build$/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/^FROM node:20\S* AS runtime$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    // DATA_DIR and public-keys belong to that user, so the key volumes mounted there are writable
    expect(dockerfile).toMatch(
      /^RUN mkdir -p \/app\/\.data\/auth \/app\/public-keys && chown -R node:node \/app\/\.data \/app\/public-keys$/m,
    );
    expect(dockerfile.indexOf('chown -R node:node /app/.data')).toBeLessThan(dockerfile.indexOf('USER node'));
  });

  it('keeps local state, dependencies and secrets out of the build context', () => {
    const ignored = readFileSync(join(PROJECT_ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.data', '.env', '.git']));
  });
});

describe('npm run secrets', () => {
  it('prints a fresh whsec_ secret per subscriber, a URL-safe database password and an admin token', () => {
    const run = () =>
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/secrets.ts'], { cwd: PROJECT_ROOT })
        .toString()
        .trim()
        .split('\n');
    const lines = run();
    const values = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );

    expect(Object.keys(values).sort()).toEqual(
      [
        ...DEFAULT_SUBSCRIBERS.map((subscriber) => subscriber.secretVariable),
        'POSTGRES_PASSWORD',
        'RELAY_ADMIN_TOKEN',
      ].sort(),
    );
    for (const subscriber of DEFAULT_SUBSCRIBERS)
      expect(isWebhookSecret(values[subscriber.secretVariable]!)).toBe(true);
    expect(values.POSTGRES_PASSWORD).toMatch(/^[0-9a-f]{48}$/);
    expect(values.RELAY_ADMIN_TOKEN).toMatch(/^[\w-]{43}$/);
    expect(run()).not.toEqual(lines);
  });
});
