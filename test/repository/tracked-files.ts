import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/fixture-process.js';

/** The files git tracks in this checkout, relative to its root. */
export function trackedFiles(): string[] {
  const output = execFileSync('git', ['ls-files', '-z'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return output.split('\0').filter((path) => path !== '');
}

/** A tracked file's text, or null when it is binary (holds a NUL byte) or gone from the work tree. */
export function readTrackedText(path: string): string | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(PROJECT_ROOT, path));
  } catch {
    return null; // deleted in the work tree but not yet in the index
  }
  return bytes.includes(0) ? null : bytes.toString('utf8');
}
