import type { Express, Request } from 'express';
import { z } from 'zod';
import { HttpProblem } from '../../common/http/problem.js';
import { SESSION_COOKIE, SESSION_MAX_AGE_MS, type AdminCredentials } from './admin-credentials.js';
import type { Clock } from '../../common/clock.js';
import { consoleAssets } from './console-assets.js';

/**
 * HTTPS to the browser: directly, or at a proxy that says so. Trusting the header unchecked is safe
 * here: all it can do is mark the cookie Secure.
 */
const overHttps = (req: Request) => req.secure || req.headers['x-forwarded-proto'] === 'https';

const signInBody = z.strictObject({ token: z.string().min(1).max(1000) });

/**
 * The console page at `/`, its script and style under `/console/`, and signing in and out: a
 * session cookie (HttpOnly, SameSite=Strict, Secure when the browser is on HTTPS, 12 hours) holding
 * a value derived from the token, never the token itself.
 */
export function mountConsolePages(router: Express, credentials: AdminCredentials, clock: Clock): void {
  const assets = consoleAssets();

  router.get('/', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('html').send(assets.page);
  });
  router.get('/console/:file', (req, res) => {
    const file = assets.files.get(req.params.file);
    if (!file) throw new HttpProblem(404, `No console file ${req.params.file}.`);
    res.set('Cache-Control', 'no-cache').type(file.type).send(file.body);
  });
  router.get('/sign-in', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('html').send(assets.signInPage);
  });
  router.post('/sign-in', (req, res) => {
    const parsed = signInBody.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpProblem(400, 'Send {"token": "<RELAY_ADMIN_TOKEN>"}.');
    if (!credentials.required) {
      res.status(204).end();
      return;
    }
    if (!credentials.isToken(parsed.data.token))
      throw new HttpProblem(401, 'That is not the admin token.', {
        headers: { 'WWW-Authenticate': 'Bearer realm="relay-admin"' },
      });
    res.cookie(SESSION_COOKIE, credentials.newSession(clock()), {
      httpOnly: true,
      sameSite: 'strict',
      secure: overHttps(req),
      path: '/',
      maxAge: SESSION_MAX_AGE_MS,
    });
    res.status(204).end();
  });
  router.post('/sign-out', (req, res) => {
    res.clearCookie(SESSION_COOKIE, {
      httpOnly: true,
      sameSite: 'strict',
      secure: overHttps(req),
      path: '/',
    });
    res.status(204).end();
  });
}
