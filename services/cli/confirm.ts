import { createInterface } from 'node:readline/promises';

/**
 * Asks `question` on a terminal; true only for "y" or "yes". Without a terminal (a script, a pipe)
 * nobody can answer: false, so that a script must say --yes to do something it cannot undo.
 */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}
