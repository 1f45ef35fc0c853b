import type { Response } from 'express';

/** An RFC 9457 problem document. Extension members (such as `errors`) sit beside the standard ones. */
export type ProblemDetails = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Thrown (or passed to `next`) by routes for any outcome that is not a success; the error handler
 * turns it into a problem+json response. `type` defaults to about:blank, whose title is the status
 * phrase, as RFC 9457 section 4.2.1 prescribes.
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly extensions: Record<string, unknown>;
  /** Response headers the problem needs, such as WWW-Authenticate on a 401 or Retry-After on a 429. */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    detail: string,
    options: {
      type?: string;
      title?: string;
      extensions?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = status;
    this.type = options.type ?? 'about:blank';
    this.title = options.title ?? statusTitle(status);
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }

  toJSON(): ProblemDetails {
    return {
      ...this.extensions,
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.message,
    };
  }
}

export function sendProblem(res: Response, problem: HttpProblem, instance?: string): void {
  const body = instance ? { ...problem.toJSON(), instance } : problem.toJSON();
  res.set(problem.headers).status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? `HTTP ${status}`;
}
