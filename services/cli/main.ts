import { runCli } from './outbox.js';

await runCli(process.argv);
