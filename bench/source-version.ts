import { execFileSync } from 'node:child_process';

/** The commit measured, and whether the checkout had changes on top: figures belong to code. */
export function sourceVersion(root: string): { commit: string; dirty: boolean } | undefined {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
    return {
      commit: git('rev-parse', 'HEAD').toString().trim(),
      dirty: git('status', '--porcelain', '--untracked-files=no').toString().trim() !== '',
    };
  } catch {
    return undefined; // not a git checkout (an unpacked release, say)
  }
}
