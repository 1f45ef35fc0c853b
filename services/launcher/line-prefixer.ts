import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** Copies a child's output line by line, each line prefixed with the child's name. */
export function prefixLines(source: Readable, target: Writable, prefix: string): void {
  createInterface({ input: source, crlfDelay: Infinity }).on('line', (line) => {
    target.write(`${prefix} ${line}\n`);
  });
}
