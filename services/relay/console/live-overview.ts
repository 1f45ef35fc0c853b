import type { Request, Response } from 'express';
import { HttpProblem } from '../../common/http/problem.js';

/** Open live views per relay process: each is a connection held open, and a page an operator left. */
export const MAX_LIVE_VIEWS = 20;

type Listener = (message: string) => void;

/**
 * The console's live view, shared: one read of the overview every `refreshMs` while at least one
 * page watches, sent to all of them, so ten open tabs cost the database what one does. A read that
 * fails sends `unavailable` (the page keeps its last figures) and the next tick tries again.
 */
export class LiveOverview {
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  /** A read under way: a page joining meanwhile waits for it rather than start a second loop. */
  private reading = false;
  private last: string | undefined;

  constructor(
    private readonly read: () => Promise<unknown>,
    private readonly refreshMs: number,
  ) {}

  get full(): boolean {
    return this.listeners.size >= MAX_LIVE_VIEWS;
  }

  /** Adds a watcher (check `full` first); it gets the latest overview at once. Returns how to stop. */
  watch(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.last !== undefined) listener(this.last);
    if (this.listeners.size === 1 && !this.reading) void this.tick();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.last = undefined;
      }
    };
  }

  private async tick(): Promise<void> {
    let message: string;
    this.reading = true;
    try {
      message = `event: overview\ndata: ${JSON.stringify(await this.read())}\n\n`;
      this.last = message;
    } catch {
      // No error text: it could carry internals; /readyz and the relay's log say more.
      message = 'event: unavailable\ndata: {}\n\n';
    } finally {
      this.reading = false;
    }
    if (this.listeners.size === 0) {
      this.last = undefined;
      return;
    }
    for (const listener of this.listeners) listener(message);
    this.timer = setTimeout(() => void this.tick(), this.refreshMs);
  }
}

/**
 * Serves one page's live view as server-sent events until the page goes away or `stopping`
 * aborts (a stream is never idle, so the server's close would otherwise wait on it until the
 * shutdown deadline). EventSource reconnects by itself after a drop.
 */
export function streamOverview(req: Request, res: Response, live: LiveOverview, stopping: AbortSignal): void {
  if (stopping.aborted) throw new HttpProblem(503, 'The relay is shutting down.');
  if (live.full)
    throw new HttpProblem(503, `${MAX_LIVE_VIEWS} live views are open on this relay already; close one.`, {
      headers: { 'Retry-After': '30' },
    });
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    // A proxy in front (nginx) would otherwise buffer the stream and the page would stop updating.
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  let closed = false;
  const unwatch = live.watch((message) => {
    if (!closed) res.write(message);
  });
  const end = () => {
    if (closed) return;
    closed = true;
    unwatch();
    stopping.removeEventListener('abort', end);
    res.end();
  };
  req.on('close', end);
  stopping.addEventListener('abort', end);
}
