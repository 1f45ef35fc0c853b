import { Command } from 'commander';

export function relayCommand(): Command {
  return new Command('relay')
    .description(
      'run the relay worker (delivers the outbox to every subscription; SIGTERM drains and exits 0)',
    )
    .action(async () => {
      // Loaded only when run: the other commands should not pay for the HTTP server and metrics.
      const { runRelayProcess } = await import('../relay/run-relay.js');
      await runRelayProcess();
    });
}
