import { runRelayProcess } from './run-relay.js';

await runRelayProcess();
