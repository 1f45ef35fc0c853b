import { expect } from '@jest/globals';

/** Paths that are not valid percent-encoding: a `%` without two hex digits, a cut-off UTF-8 sequence. */
export const MALFORMED_PATH_SEGMENTS = ['%ZZ', '%E0%A4%A', '100%'] as const;

/** Expects the 400 problem+json every service gives for a path that is not valid percent-encoding. */
export async function expectMalformedPathProblem(response: Response): Promise<void> {
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await response.json()) as Record<string, unknown>;
  expect(problem).toMatchObject({ status: 400, detail: expect.stringMatching(/not valid percent-encoding/) });
}
