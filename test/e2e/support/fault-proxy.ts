import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { seededRandom } from '../../support/seeded-random.js';

export type FaultProxyOptions = {
  /** Share of requests answered 503 instead of being forwarded, 0..1. */
  failureRate?: number;
  /** Seed of the pattern of failures (same seed, same pattern). */
  seed?: number;
};

export type FaultCounts = {
  /** Requests received. */
  received: number;
  /** Requests passed on to the upstream (whatever it answered). */
  forwarded: number;
  /** Requests answered 503 by the proxy. */
  failed: number;
  /** Requests answered by a refusal rule (see refuseWhen). */
  refused: number;
  /** Forwarded requests the upstream never answered (it was down): answered 502. */
  upstreamErrors: number;
};

type Refusal = { matches: (body: string) => boolean; status: number };

/**
 * A small HTTP proxy for the test suite, in front of one subscriber: it fails a configurable share
 * of requests with 503 (or all of them), refuses requests whose body matches a rule (a "poison"
 * event the subscriber cannot take yet), forwards the rest unchanged, and counts what it did.
 * Faults live here, in the tests, never behind a flag in production code. Forwarding is
 * http-proxy-3's; the proxy buffers each body first so rules can read it, then replays it as is
 * (signatures are over the exact bytes).
 */
export class FaultProxy {
  readonly counts: FaultCounts = { received: 0, forwarded: 0, failed: 0, refused: 0, upstreamErrors: 0 };
  private failureRate: number;
  private random: () => number;
  private refusals: Refusal[] = [];

  private readonly server: Server;
  private address = '';

  private constructor(
    readonly upstream: string,
    options: FaultProxyOptions,
  ) {
    this.failureRate = options.failureRate ?? 0;
    this.random = seededRandom(options.seed ?? 1);
    const proxy = createProxyServer({ target: upstream, proxyTimeout: 30_000 });
    proxy.on('error', (_error, _req, res) => {
      this.counts.upstreamErrors++;
      if ('writeHead' in res && !res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' }).end('fault proxy: upstream unreachable');
      } else {
        res.destroy();
      }
    });
    this.server = createServer((req, res) => {
      void this.handle(req, res, (body) => proxy.web(req, res, { buffer: Readable.from([body]) }));
    });
  }

  static async start(upstream: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
    const self = new FaultProxy(upstream, options);
    await new Promise<void>((resolve) => self.server.listen(0, '127.0.0.1', resolve));
    self.address = `http://127.0.0.1:${(self.server.address() as AddressInfo).port}`;
    return self;
  }

  /** Where to send requests instead of the upstream. */
  get url(): string {
    return this.address;
  }

  /** From now on, fail this share of requests (1 = every one, 0 = none). */
  setFailureRate(rate: number): void {
    if (rate < 0 || rate > 1) throw new RangeError(`failure rate ${rate} is not within 0..1`);
    this.failureRate = rate;
  }

  /**
   * Answers `status` to every request whose body satisfies `matches` (`() => true`: every request,
   * as a subscriber with the wrong secret answers 401), until the returned function lifts this rule
   * or clearRefusals() lifts them all.
   */
  refuseWhen(matches: (body: string) => boolean, status = 422): () => void {
    const refusal = { matches, status };
    this.refusals.push(refusal);
    return () => {
      this.refusals = this.refusals.filter((candidate) => candidate !== refusal);
    };
  }

  clearRefusals(): void {
    this.refusals = [];
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    forward: (body: Buffer) => void,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    this.counts.received++;
    const refusal = this.refusals.find((candidate) => candidate.matches(body.toString('utf8')));
    if (refusal) {
      this.counts.refused++;
      problem(res, refusal.status, 'Refused by the fault proxy: the request matches a refusal rule.');
      return;
    }
    // Draw for every request, even at rate 0 or 1, so the pattern depends on the seed alone.
    if (this.random() < this.failureRate) {
      this.counts.failed++;
      problem(res, 503, 'Injected failure from the fault proxy.');
      return;
    }
    this.counts.forwarded++;
    forward(body);
  }
}

function problem(res: ServerResponse, status: number, detail: string): void {
  res
    .writeHead(status, { 'content-type': 'application/problem+json' })
    .end(JSON.stringify({ type: 'about:blank', title: 'Injected fault', status, detail }));
}
