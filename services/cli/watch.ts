import { printable } from './format.js';

/** Clears a terminal and puts the cursor top left (ANSI): each draw replaces the last. */
const CLEAR_SCREEN = '\x1b[2J\x1b[H';

export type WatchOptions = {
  /** Names the draws: in each header, and in the line that reports a failed one. */
  title: string;
  intervalMs: number;
  /**
   * Each draw is one line and nothing else is written (no header, no clearing): with a JSON
   * document per draw, the output is NDJSON, which a script reads a document at a time.
   */
  lines?: boolean;
};

/**
 * Draws `draw()` every `intervalMs` until SIGINT (Ctrl-C), then resolves: the command ends with
 * exit code 0. On a terminal each draw replaces the previous one; on a pipe the draws follow one
 * another, each under a header line with its time, so that a log keeps them all readable.
 *
 * A watch is left running, so it outlives what would end a single command: a draw that fails after
 * a first one worked (the database restarting) is reported on stderr in one line and tried again
 * at the next tick (a first draw that fails ends the watch with its error), and a
 * reader that goes away (`| head` closing the pipe: EPIPE) ends it quietly with exit code 0, as
 * Ctrl-C does, rather than with a stack trace.
 */
export async function watch(draw: () => Promise<string>, options: WatchOptions): Promise<void> {
  const { title, intervalMs } = options;
  let stopped = false;
  let wake: () => void = () => {};
  const stop = () => {
    stopped = true;
    wake();
  };
  let outputFailed: Error | undefined;
  const onOutputError = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') outputFailed = error;
    stop();
  };
  let drawn = false;
  process.on('SIGINT', stop);
  process.stdout.on('error', onOutputError);
  try {
    while (!stopped) {
      let text: string | undefined;
      try {
        text = await draw();
        drawn = true;
      } catch (error) {
        // Failing from the start (a wrong DATABASE_URL, migrations not applied) is no blip: end as
        // the single command would, rather than a pipeline waiting forever on a watch that never drew.
        if (!drawn) throw error;
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(
          `${title} at ${new Date().toISOString()} failed: ${printable(message)}; ` +
            `trying again in ${intervalMs} ms\n`,
        );
      }
      if (stopped) break;
      if (text !== undefined)
        process.stdout.write(options.lines ? `${text}\n` : screen(title, intervalMs, text));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    // stdout's error listener stays: the EPIPE of the last write may be reported after this returns,
    // and without a listener it would end the process with a stack trace after all.
    process.off('SIGINT', stop);
  }
  if (outputFailed) throw outputFailed;
}

function screen(title: string, intervalMs: number, text: string): string {
  const header = `${title} at ${new Date().toISOString()} (every ${intervalMs} ms; Ctrl-C stops)`;
  return `${process.stdout.isTTY ? CLEAR_SCREEN : ''}${header}\n${text}\n\n`;
}
