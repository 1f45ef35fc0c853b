import { setTimeout as sleep } from 'node:timers/promises';
import { openIdleTransaction } from '../../e2e/support/idle-transaction.js';
import { duplicatesSuppressed } from '../../e2e/support/metrics.js';
import type { RestartablePostgres } from '../../e2e/support/restartable-postgres.js';
import type { RunningSystem, ServiceHandle } from '../../e2e/support/system.js';
import { FAULT_DURATIONS_MS, type PlannedFault } from './fault-plan.js';

/** What the faults act on. */
export type SoakRig = {
  system: RunningSystem;
  postgres: RestartablePostgres;
  /** A database of the same server other than the system's, for the idle transaction. */
  neighbourUrl: string;
};

/** What the faults leave behind for the report. */
export type FaultEvidence = {
  /** A subscriber's duplicates suppressed, read just before it was stopped (its counters restart). */
  duplicatesBeforeRestart: Record<string, number>;
  /** The idle transaction: its id, and when it ended. */
  idleTransaction?: { xid: string; endedAt: Date };
};

/** The second relay instance, the one frozen past its lease. */
export const SECOND_RELAY = 'relay-2';

/** How the soak injects each planned fault into the running system. */
export function soakFaults(rig: SoakRig, evidence: FaultEvidence): (fault: PlannedFault) => Promise<void> {
  const { system } = rig;
  return async (fault) => {
    system.log.note(`soak: ${fault.kind} starts`);
    try {
      await inject(fault);
    } finally {
      system.log.note(`soak: ${fault.kind} ends`);
    }
  };

  async function inject(fault: PlannedFault): Promise<void> {
    switch (fault.kind) {
      case 'relay-kill': {
        const relay = system.service('relay');
        if (!relay.isRunning()) await restartAsASupervisorWould(relay);
        await relay.kill('SIGKILL');
        await restartAsASupervisorWould(relay);
        // Let it take streams and deliver before the lane's next kill, however fast the orders went
        await sleep(FAULT_DURATIONS_MS.relayRunsBetweenKills);
        return;
      }
      case 'relay-freeze': {
        const relay = system.service(SECOND_RELAY);
        relay.pause();
        try {
          await sleep(FAULT_DURATIONS_MS.relayFreeze);
        } finally {
          relay.resume();
        }
        return;
      }
      case 'email-outage': {
        const email = system.service('email');
        evidence.duplicatesBeforeRestart.email =
          (evidence.duplicatesBeforeRestart.email ?? 0) + (await duplicatesSuppressed(email.url));
        await email.kill('SIGKILL');
        await sleep(FAULT_DURATIONS_MS.emailOutage);
        await restartAsASupervisorWould(email);
        return;
      }
      case 'inventory-unauthorized': {
        // What a subscriber whose secret no longer matches the relay's answers, until it is fixed
        const lift = system.proxies.inventory!.refuseWhen(() => true, 401);
        try {
          await sleep(FAULT_DURATIONS_MS.inventoryUnauthorized);
        } finally {
          lift();
        }
        return;
      }
      case 'idle-transaction': {
        const idle = await openIdleTransaction(rig.neighbourUrl);
        try {
          await sleep(FAULT_DURATIONS_MS.idleTransaction);
        } finally {
          evidence.idleTransaction = { xid: idle.xid, endedAt: new Date() };
          await idle.end();
        }
        return;
      }
      case 'postgres-restart':
        await rig.postgres.restart({ downMs: FAULT_DURATIONS_MS.postgresDown });
        return;
    }
  }
}

/**
 * Starts a stopped service again, and again if it does not come up (say PostgreSQL is restarting
 * while it starts), as a supervisor (systemd, Kubernetes) would.
 */
async function restartAsASupervisorWould(service: ServiceHandle, attempts = 10): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await service.restart();
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      if (service.isRunning()) await service.kill('SIGKILL');
      await sleep(1_000);
    }
  }
}
