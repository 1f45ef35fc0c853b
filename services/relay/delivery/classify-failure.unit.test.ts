import { describe, expect, it } from '@jest/globals';
import { classifyFailure, type FailedDelivery, type FailureClass } from './classify-failure.js';

const response = (status: number): FailedDelivery => ({ kind: 'response', status });

describe('classifying a failed delivery', () => {
  const table: [string, FailedDelivery, FailureClass][] = [
    ['connection refused or reset', { kind: 'network-error', timedOut: false }, 'unavailable'],
    ['no answer in time', { kind: 'network-error', timedOut: true }, 'failing'],
    ['408 Request Timeout', response(408), 'unavailable'],
    ['425 Too Early', response(425), 'unavailable'],
    ['429 Too Many Requests', response(429), 'unavailable'],
    ['502 Bad Gateway', response(502), 'unavailable'],
    ['503 Service Unavailable', response(503), 'unavailable'],
    ['504 Gateway Timeout', response(504), 'unavailable'],
    ['500 Internal Server Error', response(500), 'failing'],
    ['507 Insufficient Storage', response(507), 'failing'],
    ['a redirect the relay does not follow', response(307), 'failing'],
    ['401 Unauthorized', response(401), 'unauthorized'],
    ['403 Forbidden', response(403), 'unauthorized'],
    ['410 Gone', response(410), 'gone'],
    ['400 Bad Request', response(400), 'refused'],
    ['404 Not Found', response(404), 'refused'],
    ['409 Conflict', response(409), 'refused'],
    ['413 Content Too Large', response(413), 'refused'],
    ['422 Unprocessable Content', response(422), 'refused'],
  ];
  it.each(table)('%s is %s', (_name, failure, expected) => {
    expect(classifyFailure(failure)).toBe(expected);
  });
});
