import { createInbox, type Msg, type NatsConnection } from '@nats-io/transport-node';

/** A message pulled from a partition's consumer, with what its reply subject says about it. */
export type PulledMessage = { msg: Msg; streamSequence: number; deliveryCount: number };

/**
 * Pulls up to `max` messages from a durable pull consumer, without waiting for a full batch: takes
 * what is there at once (no_wait); when nothing is, waits up to `waitMs` for one message and then
 * takes what else is there. So a trickle of events is applied as it comes and a backlog in batches,
 * and every pull request is over (nothing more can be delivered to it) when this returns: a message
 * delivered to a request nobody reads any more would sit unacknowledged and come back after later
 * ones. Messages come in stream order, redeliveries first (JetStream serves those before new ones).
 */
export async function pullMessages(
  nc: NatsConnection,
  stream: string,
  consumer: string,
  max: number,
  waitMs: number,
): Promise<PulledMessage[]> {
  const subject = `$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`;
  const available = await pullRequest(nc, subject, { batch: max, no_wait: true }, 5_000);
  if (available.length > 0) return available;
  const first = await pullRequest(nc, subject, { batch: 1, expires: waitMs * 1_000_000 }, waitMs + 5_000);
  if (first.length === 0 || max === 1) return first;
  try {
    return [...first, ...(await pullRequest(nc, subject, { batch: max - 1, no_wait: true }, 5_000))];
  } catch (error) {
    giveBack(nc, first);
    throw error;
  }
}

/**
 * Messages pulled but not to be applied go back at once (nak): left unacknowledged they would hold
 * slots of max_ack_pending until their ack wait ran out, and a next pull could take later messages
 * of the partition ahead of them.
 */
function giveBack(nc: NatsConnection, pulled: readonly PulledMessage[]): void {
  for (const message of pulled) nak(nc, message);
}

/**
 * One pull request, read until the server ends it (404 no messages, 408 expired) or the batch is
 * full; any other answer throws, and so does a request the server has not ended within
 * `timeoutMs` (a guard against a server that never answers), giving back what it had delivered.
 */
async function pullRequest(
  nc: NatsConnection,
  subject: string,
  request: { batch: number; no_wait?: boolean; expires?: number },
  timeoutMs: number,
): Promise<PulledMessage[]> {
  const inbox = createInbox();
  const subscription = nc.subscribe(inbox);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    subscription.unsubscribe();
  }, timeoutMs);
  const pulled: PulledMessage[] = [];
  try {
    nc.publish(subject, JSON.stringify(request), { reply: inbox });
    for await (const msg of subscription) {
      const code = msg.headers?.code ?? 0;
      if (code === 404 || code === 408) break; // no messages, or the request expired: done
      if (code !== 0 || !msg.reply) {
        // Another status (409: the consumer was deleted, leadership changed...) or an API error
        // answered instead of messages: the caller backs off before pulling again.
        throw new Error(
          `pull from ${subject} refused: ${code || ''} ${msg.headers?.description ?? msg.string()}`,
        );
      }
      pulled.push({ msg, ...readReplySubject(msg.reply ?? '') });
      if (pulled.length >= request.batch) break;
    }
    if (timedOut) throw new Error(`pull from ${subject} not finished by the server within ${timeoutMs} ms`);
  } catch (error) {
    giveBack(nc, pulled);
    throw error;
  } finally {
    clearTimeout(timer);
    subscription.unsubscribe();
  }
  return pulled;
}

/**
 * `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>`, or the
 * longer form with a domain and an account hash after `$JS.ACK` (and a token at the end).
 */
export function readReplySubject(reply: string): { streamSequence: number; deliveryCount: number } {
  const tokens = reply.split('.');
  const at = tokens.length === 9 ? 4 : 6;
  return { deliveryCount: Number(tokens[at]), streamSequence: Number(tokens[at + 1]) };
}

/** Acknowledgements, as JetStream reads them on a message's reply subject. */
export const ack = (nc: NatsConnection, pulled: PulledMessage) => nc.publish(pulled.msg.reply!, '+ACK');
/** Redeliver now: the next pull of this consumer gets it back first. */
export const nak = (nc: NatsConnection, pulled: PulledMessage) => nc.publish(pulled.msg.reply!, '-NAK');
/** Never deliver again (a message that can never be applied). */
export const term = (nc: NatsConnection, pulled: PulledMessage) => nc.publish(pulled.msg.reply!, '+TERM');
