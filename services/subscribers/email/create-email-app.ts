import type { Express } from 'express';
import type { Kysely } from 'kysely';
import type { AuthConfig } from '../../common/auth/auth-config.js';
import type { Registry } from 'prom-client';
import type { DB } from '../../common/db/database.js';
import type { Logger } from '../../common/logger.js';
import { createSubscriberApp } from '../inbox/create-subscriber-app.js';
import { emailEffects } from './email-effects.js';
import { emailPaths } from './email-openapi.js';
import { mountEmailRoutes } from './email-routes.js';
import type { EmailTransport } from './email-transport.js';
import { recordingTransport } from './recording-transport.js';
import type { Clock } from '../../common/clock.js';

export type EmailAppOptions = {
  db: Kysely<DB>;
  webhookSecrets: readonly string[];
  auth: AuthConfig;
  clock: Clock;
  logger: Logger;
  bodyLimit: string;
  /** Defaults to the recording transport. */
  transport?: EmailTransport;
  /** Where /metrics reads from; pass one to add the service's own jobs' metrics to it. */
  registry?: Registry;
  /** What /readyz checks besides PostgreSQL (the NATS event source). */
  sourceReady?: () => boolean;
};

export function createEmailApp(options: EmailAppOptions): Express {
  return createSubscriberApp({
    ...options,
    effects: emailEffects(options.transport ?? recordingTransport(options.logger)),
    routes: (app) => mountEmailRoutes(app, options.db),
    paths: emailPaths,
  });
}
