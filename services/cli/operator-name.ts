import { hostname, userInfo } from 'node:os';

/** Who runs the CLI, as `user@host`: recorded with what they discard, for the audit. */
export function operatorName(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    // A container user without a passwd entry has no name to look up.
    user = process.env.USER ?? `uid ${process.getuid?.() ?? 'unknown'}`;
  }
  return `${user}@${hostname()}`;
}
