import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SUBSCRIBERS } from '../common/events/default-subscribers.js';
import { generateWebhookSecret } from '../common/events/webhook-signature.js';

/**
 * For local runs only: the default subscribers' signing secrets, generated on first start and kept
 * in DATA_DIR/webhook-secrets.json (mode 0600) so that restarts keep working. A variable set in the
 * environment wins. There is deliberately no built-in secret a deployment could forget to change.
 */
export function localWebhookSecrets(dataDir: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const file = join(dataDir, 'webhook-secrets.json');
  const stored: Record<string, string> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
    : {};
  let changed = false;
  for (const { secretVariable } of DEFAULT_SUBSCRIBERS) {
    if (!stored[secretVariable]) {
      stored[secretVariable] = generateWebhookSecret();
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return Object.fromEntries(
    DEFAULT_SUBSCRIBERS.map(({ secretVariable }) => [
      secretVariable,
      env[secretVariable] || stored[secretVariable]!,
    ]),
  );
}
