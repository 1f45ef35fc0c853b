import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SUBSCRIBERS } from '../common/events/default-subscribers.js';
import { isWebhookSecret } from '../common/events/webhook-signature.js';
import { localWebhookSecrets } from './local-secrets.js';

const SECRET_VARIABLES = DEFAULT_SUBSCRIBERS.map((subscriber) => subscriber.secretVariable);
const folders: string[] = [];

function freshDataDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'outbox-secrets-'));
  folders.push(root);
  return join(root, 'data');
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('local webhook secrets', () => {
  it('generates one whsec_ secret per default subscriber on first start, in a file only its owner reads', () => {
    const dataDir = freshDataDir();
    const secrets = localWebhookSecrets(dataDir, {});

    expect(Object.keys(secrets).sort()).toEqual([...SECRET_VARIABLES].sort());
    for (const secret of Object.values(secrets)) expect(isWebhookSecret(secret)).toBe(true);
    expect(new Set(Object.values(secrets)).size).toBe(SECRET_VARIABLES.length);
    const file = join(dataDir, 'webhook-secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(secrets);
  });

  it('keeps the same secrets across restarts', () => {
    const dataDir = freshDataDir();
    const first = localWebhookSecrets(dataDir, {});
    expect(localWebhookSecrets(dataDir, {})).toEqual(first);
  });

  it('lets a variable set in the environment win without storing it', () => {
    const dataDir = freshDataDir();
    const stored = localWebhookSecrets(dataDir, {});
    const mine = 'whsec_' + Buffer.alloc(32, 7).toString('base64');

    const secrets = localWebhookSecrets(dataDir, { EMAIL_WEBHOOK_SECRET: mine });

    expect(secrets.EMAIL_WEBHOOK_SECRET).toBe(mine);
    expect(secrets.BILLING_WEBHOOK_SECRET).toBe(stored.BILLING_WEBHOOK_SECRET);
    const file = JSON.parse(readFileSync(join(dataDir, 'webhook-secrets.json'), 'utf8'));
    expect(file.EMAIL_WEBHOOK_SECRET).toBe(stored.EMAIL_WEBHOOK_SECRET);
  });
});
