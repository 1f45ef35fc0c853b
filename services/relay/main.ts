import { ConfigError } from '../common/config.js';
import { StartRefusedError } from './nats/check-nats-subscriptions.js';
import { runRelayProcess } from './run-relay.js';

try {
  await runRelayProcess();
} catch (error) {
  // A configuration problem is the operator's to fix: say which variable (or which subscription),
  // without a stack trace.
  if (!(error instanceof ConfigError || error instanceof StartRefusedError)) throw error;
  console.error(`relay: ${error.message}`);
  process.exitCode = 1;
}
