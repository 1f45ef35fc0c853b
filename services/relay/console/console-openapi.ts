import { bodyProblems, commonProblems, json, problem } from '../../common/http/openapi/responses.js';

/** The schemes of the admin port: the token as a bearer, or the session cookie signing in sets. */
export const ADMIN_SECURITY_SCHEMES = {
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'RELAY_ADMIN_TOKEN, when the relay is started with one (required unless it binds a loopback ' +
      'address). Requests carrying it need no CSRF token.',
  },
  consoleSession: {
    type: 'apiKey',
    in: 'cookie',
    name: 'outbox_console',
    description:
      'Set by POST /sign-in. A change made with it needs the X-CSRF-Token header (GET /api/session).',
  },
};

/** Either scheme; without a token configured, none is needed (the server is on loopback then). */
const admin = { security: [{ adminToken: [] }, { consoleSession: [] }, {}] };
const open = { security: [] };
const guarded = {
  '401': problem('RELAY_ADMIN_TOKEN is set and the request carries neither it nor a session'),
  '403': problem(
    'A change without the X-CSRF-Token header or from another origin, or (on loopback) a request ' +
      'addressed to another host name',
  ),
  ...commonProblems,
};
const csrfHeader = {
  name: 'X-CSRF-Token',
  in: 'header',
  required: false,
  description: 'GET /api/session gives it; required on every change not authenticated by the bearer token',
  schema: { type: 'string' },
};
const object = (description: string, properties: Record<string, unknown> = {}) =>
  json(description, { type: 'object', properties });
const emptyBody = {
  required: false,
  content: { 'application/json': { schema: { type: 'object', additionalProperties: false } } },
};
const filterProperties = {
  subscription: { type: 'string' },
  type: { type: 'string', description: 'An event type (OrderPlaced, ...)' },
  status: { type: 'integer', minimum: 100, maximum: 599, description: 'HTTP status of the last attempt' },
  error: { type: 'string', description: 'A piece of the last error, any case' },
  since: { type: 'string', description: 'Parked within this duration: 30m, 24h, 7d' },
};
const filterParameters = Object.entries(filterProperties).map(([name, schema]) => ({
  name,
  in: 'query',
  required: false,
  schema,
}));
const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^\\d{1,18}$' },
};
const nameParameter = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
const html = (description: string) => ({
  description,
  content: { 'text/html': { schema: { type: 'string' } } },
});
const notFound = { '404': problem('No such dead letter or subscription, or nothing matches') };
const conflict = (description: string) => ({ '409': problem(description) });
const marked = object('Marked for replay: the relay delivers them at its next step', {
  marked: { type: 'array', items: { type: 'object' } },
});
const discarded = object('Discarded (kept for audit), and the held events released by it', {
  discarded: { type: 'array', items: { type: 'object' } },
  released: { type: 'array', items: { type: 'object' } },
});

function change(operationId: string, summary: string, body: unknown, ok: unknown, problems: object) {
  return {
    post: {
      operationId,
      tags: ['console'],
      summary,
      ...admin,
      parameters: [csrfHeader],
      requestBody: body,
      responses: { '200': ok, ...problems, ...bodyProblems, ...guarded },
    },
  };
}

const withPath = (operation: { post: { parameters: unknown[] } }, parameter: unknown) => {
  operation.post.parameters = [parameter, ...operation.post.parameters];
  return operation;
};

/**
 * The admin port's own routes (health, metrics, the documents, /streams) behind the same guard:
 * every operation but the probes and the sign-in page takes the admin schemes and may answer 401.
 */
export function guardedByAdminToken(paths: Record<string, Record<string, unknown>>) {
  const openPaths = new Set(['/healthz', '/readyz', '/sign-in']);
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      openPaths.has(path)
        ? item
        : Object.fromEntries(
            Object.entries(item).map(([method, operation]) => {
              const { responses, ...rest } = operation as { responses: Record<string, unknown> };
              return [method, { ...rest, ...admin, responses: { '401': guarded['401'], ...responses } }];
            }),
          ),
    ]),
  );
}

/** The console (its page and its JSON API) in the admin port's OpenAPI document. */
export function consolePaths(): Record<string, Record<string, unknown>> {
  return {
    '/': {
      get: {
        operationId: 'consolePage',
        tags: ['console'],
        summary:
          "The operator's console (HTML); without a session when one is needed, the sign-in page with 401",
        ...admin,
        responses: {
          '200': html('The console page'),
          // A browser (Accept: text/html) gets the sign-in page; any other client the problem.
          '401': {
            description: 'A session is needed: the sign-in page for a browser, a problem otherwise',
            content: { ...html('').content, ...problem('').content },
          },
          ...commonProblems,
        },
      },
    },
    '/console/{file}': {
      get: {
        operationId: 'consoleFile',
        tags: ['console'],
        summary: "The console's script and style (console.js, sign-in.js, console.css)",
        ...admin,
        parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'The file', content: { 'text/javascript': {}, 'text/css': {} } },
          '404': problem('No such file'),
          ...guarded,
        },
      },
    },
    '/sign-in': {
      get: {
        operationId: 'signInPage',
        tags: ['console'],
        summary: 'The sign-in page',
        ...open,
        responses: { '200': html('The sign-in page'), ...commonProblems },
      },
      post: {
        operationId: 'signIn',
        tags: ['console'],
        summary: 'Trades RELAY_ADMIN_TOKEN for an HttpOnly, SameSite=Strict session cookie',
        ...open,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] },
            },
          },
        },
        responses: {
          '204': { description: 'Signed in: Set-Cookie carries the session' },
          '401': problem('Not the admin token'),
          '403': problem('Sent from another origin'),
          ...bodyProblems,
          ...commonProblems,
        },
      },
    },
    '/sign-out': {
      post: {
        ...change('signOut', 'Ends the session (clears the cookie)', emptyBody, {}, {}).post,
        responses: { '204': { description: 'Signed out' }, ...bodyProblems, ...guarded },
      },
    },
    '/api/session': {
      get: {
        operationId: 'consoleSession',
        tags: ['console'],
        summary: 'Whether a token is required, the CSRF token for changes, the event types',
        ...admin,
        responses: {
          '200': object('The session', {
            authRequired: { type: 'boolean' },
            csrfToken: { type: 'string' },
            eventTypes: { type: 'array', items: { type: 'string' } },
          }),
          ...guarded,
        },
      },
    },
    '/api/overview': {
      get: {
        operationId: 'consoleOverview',
        tags: ['console'],
        summary:
          'Subscriptions and their partitions (state, checkpoint, backlog, lag, owner, next retry, last ' +
          'error, dead letters), who holds the fence, the relay instances and their leases; never a secret',
        ...admin,
        responses: { '200': object('The overview'), ...guarded },
      },
    },
    '/api/live': {
      get: {
        operationId: 'consoleLive',
        tags: ['console'],
        summary: 'Server-sent events: the overview now and every 2 s (`overview`), or `unavailable`',
        ...admin,
        responses: {
          '200': {
            description: 'An event stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...guarded,
        },
      },
    },
    '/api/dead-letters': {
      get: {
        operationId: 'listDeadLetters',
        tags: ['console'],
        summary: 'Open dead letters in stream order (the first 500), filtered; `count` is how many matched',
        ...admin,
        parameters: [
          ...filterParameters,
          { name: 'held', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } },
        ],
        responses: {
          '200': object('The matching dead letters', {
            count: { type: 'integer' },
            limit: { type: 'integer' },
            letters: { type: 'array', items: { type: 'object' } },
          }),
          ...guarded,
        },
      },
    },
    '/api/dead-letters/count': {
      get: {
        operationId: 'countDeadLettersForBulkActions',
        tags: ['console'],
        summary:
          'What the bulk actions on a subscription would touch, for a confirmation: `count`, the open ' +
          'letters a discard takes; `replay`, the parked letters matching and the held events behind them',
        ...admin,
        parameters: filterParameters.map((parameter) =>
          parameter.name === 'subscription' ? { ...parameter, required: true } : parameter,
        ),
        responses: {
          '200': object('The counts', {
            count: { type: 'integer' },
            replay: {
              type: 'object',
              properties: { parked: { type: 'integer' }, held: { type: 'integer' } },
            },
          }),
          ...guarded,
        },
      },
    },
    '/api/dead-letters/{id}': {
      get: {
        operationId: 'getDeadLetter',
        tags: ['console'],
        summary: 'One dead letter: its event with the payload, attempts, last error and status',
        ...admin,
        parameters: [idParameter],
        responses: { '200': object('The dead letter'), ...notFound, ...guarded },
      },
    },
    '/api/dead-letters/{id}/replay': withPath(
      change(
        'replayDeadLetter',
        "Replays a parked letter with its order's held events; refused past the dedupe window unless force",
        {
          required: false,
          content: {
            'application/json': { schema: { type: 'object', properties: { force: { type: 'boolean' } } } },
          },
        },
        marked,
        { ...notFound, ...conflict('Not parked, or older than the dedupe window without force') },
      ),
      idParameter,
    ),
    '/api/dead-letters/{id}/discard': withPath(
      change('discardDeadLetter', 'Discards a letter (audited as console@<address>)', emptyBody, discarded, {
        ...notFound,
        ...conflict('Its replay is under way'),
      }),
      idParameter,
    ),
    '/api/dead-letters/replay': change(
      'replayDeadLetters',
      'Replays every parked letter of a subscription the filters match, with the held events behind them',
      {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                ...filterProperties,
                force: { type: 'boolean' },
                confirmedCount: {
                  type: 'integer',
                  minimum: 1,
                  description:
                    'The parked letters confirmed (`replay.parked` of the count): refused if another number matches',
                },
              },
              required: ['subscription'],
            },
          },
        },
      },
      marked,
      {
        ...notFound,
        ...conflict(
          'Another number matches than confirmed, or some are older than the dedupe window without force',
        ),
      },
    ),
    '/api/dead-letters/discard': change(
      'discardDeadLetters',
      'Discards every open letter of a subscription the filters match, if still the confirmed count',
      {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: { ...filterProperties, confirmedCount: { type: 'integer', minimum: 1 } },
              required: ['subscription', 'confirmedCount'],
            },
          },
        },
      },
      discarded,
      { ...notFound, ...conflict('The count changed since it was confirmed, or a replay is under way') },
    ),
    '/api/subscriptions/{name}/enable': withPath(
      change(
        'enableSubscription',
        'Enables a subscription: its stream resumes at its checkpoint',
        emptyBody,
        object('Enabled'),
        notFound,
      ),
      nameParameter,
    ),
    '/api/subscriptions/{name}/disable': withPath(
      change(
        'disableSubscription',
        'Disables a subscription: its stream pauses at its checkpoint',
        emptyBody,
        object('Disabled'),
        notFound,
      ),
      nameParameter,
    ),
    '/api/subscriptions/{name}/rotate-secret': withPath(
      change(
        'rotateSubscriptionSecret',
        'A new signing secret, in this answer only; the previous one stays valid for the overlap (default 24h)',
        {
          required: false,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  overlap: { type: 'string', description: 'How long the previous secret stays valid (24h)' },
                  force: { type: 'boolean', description: 'Rotate even while an earlier overlap runs' },
                },
              },
            },
          },
        },
        object('The new secret (shown once) and until when the previous one is valid', {
          name: { type: 'string' },
          secret: { type: 'string' },
          previousSecretValidUntil: { type: ['string', 'null'], format: 'date-time' },
          endedOverlapUntil: {
            type: ['string', 'null'],
            description:
              'When the overlap a forced rotation ended was to end: a time, or `while-listed` (a secret variable listing two)',
          },
          secretVariable: {
            type: ['string', 'null'],
            description:
              "A default subscription's variable that also holds its secrets (EMAIL_WEBHOOK_SECRET, ...)",
          },
        }),
        {
          ...notFound,
          ...conflict(
            'An earlier overlap still runs (without force), or a NATS subscription: nothing to rotate',
          ),
        },
      ),
      nameParameter,
    ),
  };
}
