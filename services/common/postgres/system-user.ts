import { execFileSync } from 'node:child_process';
import { chownSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type RunAs = { uid: number; gid: number } | undefined;

const SERVER_USER = 'postgres';

/**
 * PostgreSQL refuses to run as root. When we are root, the server runs as the `postgres` system
 * user, created here if the machine has none; otherwise it runs as ourselves (undefined).
 */
export function serverRunAs(): RunAs {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', SERVER_USER]).toString().trim()),
    gid: Number(execFileSync('id', ['-g', SERVER_USER]).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SERVER_USER], {
      stdio: 'ignore',
    });
    return lookup();
  }
}

/** Gives a folder tree to the server user so it can write its data there. */
export function chownTree(path: string, runAs: RunAs): void {
  if (!runAs) return;
  chownSync(path, runAs.uid, runAs.gid);
  if (!statSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry), runAs);
}
