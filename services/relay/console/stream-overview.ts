import type { Request, Response } from 'express';

/**
 * Server-sent events: the overview now, then every `refreshMs`, until the page goes away. Each is
 * one `overview` event; a read that fails sends an `unavailable` event (the page says so and keeps
 * the last figures) and the stream goes on. EventSource reconnects by itself after a drop. The
 * stream ends when `stopping` aborts: a stream is never idle, so the server's close would
 * otherwise wait on it until the shutdown deadline.
 */
export function streamOverview(
  req: Request,
  res: Response,
  read: () => Promise<unknown>,
  refreshMs: number,
  stopping: AbortSignal,
): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    // A proxy in front (nginx) would otherwise buffer the stream and the page would stop updating.
    'X-Accel-Buffering': 'no',
  });
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const send = async () => {
    try {
      const overview = await read();
      if (!closed) res.write(`event: overview\ndata: ${JSON.stringify(overview)}\n\n`);
    } catch {
      // No error text: it could carry internals; /readyz and the relay's log say more.
      if (!closed) res.write('event: unavailable\ndata: {}\n\n');
    }
    if (!closed) timer = setTimeout(() => void send(), refreshMs);
  };
  const end = () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    stopping.removeEventListener('abort', end);
    res.end();
  };
  req.on('close', end);
  stopping.addEventListener('abort', end);
  if (stopping.aborted) end();
  else void send();
}
