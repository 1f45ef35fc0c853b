import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret } from '../../services/common/events/webhook-signature.js';

export type ReceivedEvent = {
  id: string;
  type: string;
  subject: string;
  position: string;
  aggregateversion: number;
  traceparent?: string;
};

export type ReceivedBatch = {
  events: ReceivedEvent[];
  headers: http.IncomingHttpHeaders;
  /** The status this receiver answered. */
  status: number;
  /** Set by the test (e.g. 'after-kill') to tell deliveries apart by phase. */
  phase: string;
};

export type Reply = {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
  hold?: Promise<void>;
};

/**
 * A real HTTP subscriber for tests: verifies every delivery's Standard Webhooks signature with the
 * reference `standardwebhooks` package (401 and nothing processed when it fails), then answers what
 * `reply` says (status, Retry-After, slow, held). Like a real subscriber it dedupes by event id;
 * events of 2xx batches are "processed" once, in arrival order, and repeats are counted.
 */
export class WebhookReceiver {
  readonly secret = generateWebhookSecret();
  readonly batches: ReceivedBatch[] = [];
  /** First-time processed events, in processing order. */
  readonly processed: ReceivedEvent[] = [];
  readonly duplicates: { event: ReceivedEvent; phase: string }[] = [];
  badSignatures = 0;
  inFlight = 0;
  maxInFlight = 0;
  phase = 'initial';
  reply: (events: ReceivedEvent[]) => Reply | Promise<Reply> = () => ({ status: 200 });
  private readonly seen = new Set<string>();
  private server: http.Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/events`;
    return this;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        new Webhook(this.secret).verify(body, req.headers as Record<string, string>);
      } catch {
        this.badSignatures++;
        res.writeHead(401).end();
        return;
      }
      const events = JSON.parse(body) as ReceivedEvent[];
      const reply = await this.reply(events);
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if (reply.hold) await reply.hold;
      this.batches.push({ events, headers: req.headers, status: reply.status, phase: this.phase });
      if (reply.status >= 200 && reply.status < 300) {
        for (const event of events) {
          if (this.seen.has(event.id)) this.duplicates.push({ event, phase: this.phase });
          else {
            this.seen.add(event.id);
            this.processed.push(event);
          }
        }
      }
      res.writeHead(reply.status, reply.headers).end();
    } finally {
      this.inFlight--;
    }
  }

  processedIds(): Set<string> {
    return new Set(this.processed.map((event) => event.id));
  }

  /** Orders whose processed events did not arrive in aggregate-version order. */
  outOfOrder(): string[] {
    const last = new Map<string, number>();
    const bad = new Set<string>();
    for (const event of this.processed) {
      if ((last.get(event.subject) ?? 0) >= event.aggregateversion) bad.add(event.subject);
      last.set(event.subject, event.aggregateversion);
    }
    return [...bad];
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function startReceiver(): Promise<WebhookReceiver> {
  return new WebhookReceiver().start();
}
