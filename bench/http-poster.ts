import http from 'node:http';

export type HttpPoster = {
  /** POSTs a JSON body (or none) and resolves with the status and the whole response body. */
  post(path: string, body?: string): Promise<{ status: number; body: string }>;
  close(): void;
};

/**
 * The fixed-rate client's HTTP: node's http module over a keep-alive agent. fetch (undici) cost the
 * benchmark process about a core at 500 orders/s, on a 2-core machine the system under test shares.
 */
export function createHttpPoster(
  baseUrl: string,
  /** The Authorization header every request carries. */
  authorization: string,
  maxSockets = 256,
): HttpPoster {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const post = (path: string, body?: string) =>
    postOnce(
      agent,
      `${baseUrl}${path}`,
      body === undefined
        ? { authorization, 'content-length': '0' }
        : { authorization, 'content-type': 'application/json' },
      body,
    );
  return { post, close: () => agent.destroy() };
}

/** One POST over `agent`: resolves with the status and the whole response body. */
export function postOnce(
  agent: http.Agent,
  url: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST',
      agent,
      headers:
        body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('error', reject);
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.end(body);
  });
}
