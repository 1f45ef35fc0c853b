/** One message of the PostgreSQL wire protocol: its type byte ('' for the start-up message) and body. */
export type WireMessage = { type: string; body: Buffer };

/**
 * Splits one direction of a PostgreSQL connection into whole messages, however TCP chunked the
 * bytes. Every message is a type byte and an int32 length that counts itself, except the client's
 * first (the start-up message: length only). Test support only: no TLS, whose handshake would
 * precede the start-up message.
 */
export function wireMessageReader(options: { startsWithStartupMessage: boolean }): {
  push(chunk: Buffer): WireMessage[];
} {
  let buffered = Buffer.alloc(0);
  let awaitingStartup = options.startsWithStartupMessage;
  return {
    push(chunk) {
      buffered = Buffer.concat([buffered, chunk]);
      const messages: WireMessage[] = [];
      for (;;) {
        const headerLength = awaitingStartup ? 4 : 5;
        if (buffered.length < headerLength) break;
        const type = awaitingStartup ? '' : String.fromCharCode(buffered[0]!);
        const length = buffered.readInt32BE(headerLength - 4);
        const total = headerLength - 4 + length;
        if (buffered.length < total) break;
        messages.push({ type, body: buffered.subarray(headerLength, total) });
        buffered = buffered.subarray(total);
        awaitingStartup = false;
      }
      return messages;
    },
  };
}

/** The zero-terminated string at `offset`, and the offset after its terminator. */
export function readCString(body: Buffer, offset: number): [text: string, next: number] {
  const end = body.indexOf(0, offset);
  return [body.toString('utf8', offset, end), end + 1];
}

/**
 * The SQL a client message runs, tracking the statements it prepares: a simple Query carries its
 * text; a Bind runs a statement by name (unnamed: the last Parse without a name), whose text came
 * with its Parse, possibly on an earlier use of the connection. Undefined for everything else.
 */
export function statementRun(message: WireMessage, prepared: Map<string, string>): string | undefined {
  switch (message.type) {
    case 'Q':
      return readCString(message.body, 0)[0];
    case 'P': {
      const [name, next] = readCString(message.body, 0);
      prepared.set(name, readCString(message.body, next)[0]);
      return undefined;
    }
    case 'B': {
      const [, next] = readCString(message.body, 0);
      return prepared.get(readCString(message.body, next)[0]);
    }
    default:
      return undefined;
  }
}
