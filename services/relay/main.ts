import { ConfigError } from '../common/config.js';
import { runRelayProcess } from './run-relay.js';

try {
  await runRelayProcess();
} catch (error) {
  // A configuration problem is the operator's to fix: say which variable, without a stack trace.
  if (!(error instanceof ConfigError)) throw error;
  console.error(`relay: ${error.message}`);
  process.exitCode = 1;
}
