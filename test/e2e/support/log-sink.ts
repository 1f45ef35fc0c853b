import { createWriteStream, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

/**
 * Where the system's child processes write (already prefixed with the service name): a file kept
 * after the run for digging into a failure, and the last lines in memory for the message of a
 * failing assertion.
 */
export class LogSink extends Writable {
  private readonly file: WriteStream;
  private readonly recent: string[] = [];

  constructor(
    readonly path: string,
    private readonly keep = 400,
  ) {
    super();
    this.file = createWriteStream(this.path);
  }

  /** A fresh file in the temporary folder, named after the run. */
  static forRun(name: string): LogSink {
    return new LogSink(join(tmpdir(), `outbox-e2e-${name}-${Date.now().toString(36)}.log`));
  }

  /** A line from the harness itself (a kill, a restart), in the same stream as the services'. */
  note(line: string): void {
    this.write(`[harness]   ${new Date().toISOString()} ${line}\n`);
  }

  tail(lines = 80): string {
    return this.recent.slice(-lines).join('\n');
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const text = chunk.toString();
    for (const line of text.split('\n')) if (line) this.recent.push(line);
    if (this.recent.length > this.keep) this.recent.splice(0, this.recent.length - this.keep);
    // Done at once, not when the file write lands: the next line (a harness note right after a
    // signal, say) reaches `recent` synchronously, so a tail read just after it is never short.
    // The file stream keeps the order and buffers on its own.
    this.file.write(chunk);
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.file.end(done);
  }
}
