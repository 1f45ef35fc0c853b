import { PROBLEM_CONTENT_TYPE } from '../problem.js';
import { ref, type JsonSchema } from './component-schemas.js';
// Registers the Problem schema that every problem response references.
import '../problem-schema.js';

/** A problem+json response: the one shape of every error any service answers. */
export const problem = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } },
});

export const json = (description: string, schema: JsonSchema, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema } },
});

/** What any route can answer before or after its own logic (see create-app.ts and errors.ts). */
export const commonProblems = {
  '400': problem('Invalid input, or a request path that is not valid percent-encoding'),
  '500': problem('An unexpected error, logged by the service; the detail never carries internals'),
};

/** What any route that reads a JSON body can answer as well. */
export const bodyProblems = {
  '413': problem('Body larger than the limit'),
  '415': problem('Body is not JSON'),
};

/** Tracing headers every service accepts: advisory, a malformed one is ignored. */
export const tracingParameters = [
  {
    name: 'traceparent',
    in: 'header',
    required: false,
    description: 'W3C Trace Context; the Order API keeps it on the events a command records',
    schema: { type: 'string', examples: ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'] },
  },
  {
    name: 'tracestate',
    in: 'header',
    required: false,
    description: 'W3C Trace Context vendor state, kept with a valid traceparent',
    schema: { type: 'string', maxLength: 512 },
  },
];
