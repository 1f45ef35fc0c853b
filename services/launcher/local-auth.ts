import { dirname } from 'node:path';
import {
  localAuthEnv,
  localSigningKey,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
} from '../common/auth/local-signing-key.js';
import { mintToken } from '../common/auth/mint-token.js';
import { CUSTOMER_SCOPES, OPERATOR_SCOPES } from '../common/auth/scopes.js';
import { parseDuration } from '../common/duration.js';

/**
 * How long the tokens printed by `npm start` (and minted by `npm run token` without --expires)
 * stay valid: a working day and then some, so a token copied in the morning still works in the
 * evening; restarting prints fresh ones. Local tokens only: production tokens come from the
 * identity provider, with its own lifetimes.
 */
export const LOCAL_TOKEN_LIFETIME = '24h';
export const LOCAL_TOKEN_LIFETIME_MS = parseDuration(LOCAL_TOKEN_LIFETIME)!;

/** The customer the banner's customer token acts for. */
export const BANNER_CUSTOMER = 'customer-1';

export type BannerToken = { subject: string; scopes: readonly string[]; token: string };

/**
 * What `npm start` does about auth: `local` (a key under DATA_DIR/auth, handed to the services,
 * and two tokens signed with it), `external` (the environment names its own key source, so only
 * its identity provider can mint tokens) or `off` (AUTH_MODE=off: no key, no tokens).
 */
export type LocalAuth =
  | { mode: 'off'; env: Record<string, string> }
  | { mode: 'external'; env: Record<string, string> }
  | {
      mode: 'local';
      env: Record<string, string>;
      keyFolder: string;
      expiresAt: Date;
      lifetime: string;
      customer: BannerToken;
      operator: BannerToken;
    };

export async function prepareLocalAuth(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  now: () => Date = () => new Date(),
): Promise<LocalAuth> {
  if (env.AUTH_MODE === 'off') return { mode: 'off', env: {} };
  if (env.AUTH_JWKS_URL || env.AUTH_PUBLIC_KEY_FILE) return { mode: 'external', env: {} };
  const key = await localSigningKey(dataDir);
  const expiresInSeconds = LOCAL_TOKEN_LIFETIME_MS / 1000;
  const mint = async (subject: string, scopes: readonly string[]): Promise<BannerToken> => ({
    subject,
    scopes,
    token: await mintToken(key, {
      subject,
      scopes,
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      expiresInSeconds,
    }),
  });
  return {
    mode: 'local',
    env: localAuthEnv(key, env),
    keyFolder: dirname(key.jwksFile),
    expiresAt: new Date(now().getTime() + LOCAL_TOKEN_LIFETIME_MS),
    lifetime: LOCAL_TOKEN_LIFETIME,
    customer: await mint(BANNER_CUSTOMER, CUSTOMER_SCOPES),
    operator: await mint('operator', OPERATOR_SCOPES),
  };
}
