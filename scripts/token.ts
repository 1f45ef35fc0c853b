/**
 * `npm run token -- --customer <id> | --operator | --sub <id> --scopes a,b [--expires 24h]`: mints a
 * bearer token with the local signing key of DATA_DIR (the one `npm start` uses; made when missing)
 * and prints the token alone on stdout, so `TOKEN=$(npm run -s token -- --operator)` works. For
 * local runs and docker compose; production tokens come from the identity provider.
 */
import { Command, Option } from 'commander';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, localSigningKey } from '../services/common/auth/local-signing-key.js';
import { mintToken } from '../services/common/auth/mint-token.js';
import {
  CUSTOMER_SCOPES,
  isScope,
  OPERATOR_SCOPES,
  SCOPES,
  type Scope,
} from '../services/common/auth/scopes.js';
import { loadConfig, loadDotEnv } from '../services/common/config.js';
import { parseDuration } from '../services/common/duration.js';
import { LOCAL_TOKEN_LIFETIME } from '../services/launcher/local-auth.js';

type Options = { sub?: string; scopes?: string; customer?: string; operator?: boolean; expires: string };

class UsageError extends Error {}

function claimsOf(options: Options): { subject: string; scopes: Scope[] } {
  const chosen = [options.sub !== undefined, options.customer !== undefined, options.operator === true];
  if (chosen.filter(Boolean).length !== 1)
    throw new UsageError('give exactly one of --sub <id> (with --scopes), --customer <id> or --operator');
  if (options.customer !== undefined) {
    if (options.scopes !== undefined)
      throw new UsageError('--customer has its scopes; use --sub to choose them');
    return { subject: options.customer, scopes: CUSTOMER_SCOPES };
  }
  if (options.operator) {
    if (options.scopes !== undefined)
      throw new UsageError('--operator has its scopes; use --sub to choose them');
    return { subject: 'operator', scopes: OPERATOR_SCOPES };
  }
  if (!options.sub) throw new UsageError('--sub needs a subject (the customer id, or a name for staff)');
  if (options.scopes === undefined) throw new UsageError('--sub needs --scopes a,b,c');
  const names = options.scopes
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !isScope(name));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown scope${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the scopes are: ${Object.keys(SCOPES).join(', ')}`,
    );
  if (names.length === 0) throw new UsageError('--scopes names no scope');
  return { subject: options.sub, scopes: names.filter(isScope) };
}

const program = new Command('token')
  .description('Mint a bearer token with the local signing key under DATA_DIR/auth (made when missing)')
  .option('--sub <id>', 'subject: the customer id, or a name for staff')
  .option('--scopes <list>', `comma-separated scopes (${Object.keys(SCOPES).join(', ')})`)
  .option('--customer <id>', `a customer's token: --sub <id> --scopes ${CUSTOMER_SCOPES.join(',')}`)
  .option('--operator', "an operator's token: every scope")
  .addOption(new Option('--expires <duration>', 'lifetime: 30m, 24h, 7d, ...').default(LOCAL_TOKEN_LIFETIME))
  .showHelpAfterError()
  .action(async (options: Options) => {
    const { subject, scopes } = claimsOf(options);
    const lifetimeMs = parseDuration(options.expires);
    if (lifetimeMs === undefined || lifetimeMs < 1000)
      throw new UsageError(
        `--expires must be a duration of a second or more such as 30m, 24h or 7d (got ${options.expires})`,
      );
    loadDotEnv();
    if (process.env.AUTH_MODE === 'off')
      process.stderr.write('token: note: AUTH_MODE=off, so the services accept any request without it\n');
    if (process.env.AUTH_JWKS_URL || process.env.AUTH_PUBLIC_KEY_FILE)
      process.stderr.write(
        'token: note: AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE is set: services reading it accept only its keys, not the local one\n',
      );
    const key = await localSigningKey(loadConfig().dataDir);
    const token = await mintToken(key, {
      subject,
      scopes,
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      expiresInSeconds: Math.floor(lifetimeMs / 1000),
    });
    process.stdout.write(`${token}\n`);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
