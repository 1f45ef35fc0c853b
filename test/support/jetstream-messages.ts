import { jetstreamManager, type StreamInfo } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export type StoredNatsMessage = {
  seq: number;
  subject: string;
  headers: Record<string, string>;
  /** The message data, parsed as JSON. */
  data: Record<string, unknown>;
};

/** Every message of a JetStream stream in stream order, with its headers, and the stream's info. */
export async function readJetStream(
  url: string,
  stream: string,
): Promise<{ info: StreamInfo; messages: StoredNatsMessage[] }> {
  const connection = await connect({ servers: url });
  try {
    const manager = await jetstreamManager(connection);
    const info = await manager.streams.info(stream);
    const messages: StoredNatsMessage[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const message = await manager.streams.getMessage(stream, { seq });
      if (!message) continue;
      const headers: Record<string, string> = {};
      for (const key of message.header?.keys() ?? []) headers[key] = message.header.get(key);
      messages.push({
        seq,
        subject: message.subject,
        headers,
        data: message.json<Record<string, unknown>>(),
      });
    }
    return { info, messages };
  } finally {
    await connection.close();
  }
}
