import { z } from 'zod';

/** The problem+json body every service answers errors with (see problem.ts), for the documents. */
export const problemSchema = z
  .looseObject({
    type: z.string().describe('about:blank, or a /problems/... path naming the problem'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional().describe('The request path'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details; some problems add members' });
