/** Clears a terminal and puts the cursor top left (ANSI): each draw replaces the last. */
const CLEAR_SCREEN = '\x1b[2J\x1b[H';

/**
 * Draws `draw()` every `intervalMs` until SIGINT (Ctrl-C), then resolves: the command ends with
 * exit code 0. On a terminal each draw replaces the previous one; on a pipe the draws follow one
 * another, each under a header line with its time, so that a log keeps them all readable.
 */
export async function watch(title: string, draw: () => Promise<string>, intervalMs: number): Promise<void> {
  let stopped = false;
  let wake: () => void = () => {};
  const stop = () => {
    stopped = true;
    wake();
  };
  process.on('SIGINT', stop);
  try {
    while (!stopped) {
      const text = await draw();
      if (stopped) break;
      const header = `${title} at ${new Date().toISOString()} (every ${intervalMs} ms; Ctrl-C stops)`;
      process.stdout.write(`${process.stdout.isTTY ? CLEAR_SCREEN : ''}${header}\n${text}\n\n`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    process.off('SIGINT', stop);
  }
}
