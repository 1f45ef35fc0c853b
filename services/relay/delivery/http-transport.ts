import http from 'node:http';
import https from 'node:https';

export type HttpDeliveryRequest = {
  url: string;
  headers: Record<string, string>;
  body: string;
};

/** What came of one POST: an expected outcome either way, never an exception. */
export type HttpDeliveryResult =
  | { kind: 'response'; status: number; retryAfter: string | undefined; bodyExcerpt: string }
  | { kind: 'network-error'; error: string; timedOut: boolean };

export type HttpTransport = {
  post(request: HttpDeliveryRequest): Promise<HttpDeliveryResult>;
  close(): void;
};

const EXCERPT_BYTES = 500;

/**
 * POSTs over keep-alive agents (one connection pool per endpoint origin, reused across batches:
 * at thousands of events per second the TCP handshake per request would dominate).
 */
export function createHttpTransport(options: { timeoutMs: number; maxSockets?: number }): HttpTransport {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };

  const post = (request: HttpDeliveryRequest) =>
    new Promise<HttpDeliveryResult>((resolve) => {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        resolve({ kind: 'network-error', error: `invalid endpoint URL ${request.url}`, timedOut: false });
        return;
      }
      const isHttps = url.protocol === 'https:';
      const send = isHttps ? https.request : http.request;
      const req = send(url, {
        method: 'POST',
        agent: isHttps ? agents.https : agents.http,
        headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
        timeout: options.timeoutMs,
      });
      let timedOut = false;
      req.on('timeout', () => {
        timedOut = true;
        req.destroy(new Error(`no response within ${options.timeoutMs} ms`));
      });
      req.on('error', (error: NodeJS.ErrnoException) =>
        resolve({
          kind: 'network-error',
          error: error.code ? `${error.code}: ${error.message}` : error.message,
          timedOut,
        }),
      );
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept < EXCERPT_BYTES) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        res.on('error', (error) => resolve({ kind: 'network-error', error: error.message, timedOut }));
        res.on('end', () => {
          const retryAfter: string | string[] | undefined = res.headers['retry-after'];
          resolve({
            kind: 'response',
            status: res.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : retryAfter?.[0],
            bodyExcerpt: Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_BYTES),
          });
        });
      });
      req.end(request.body);
    });

  return {
    post,
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
