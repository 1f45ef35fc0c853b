/**
 * `npm run auth-keys`: makes the local token signing key under DATA_DIR/auth when it is missing
 * (an ES256 pair: signing-key.pem, mode 0600, and its public half jwks.json) and says where it is.
 * `npm start` and `npm run token` do the same on their own; docker compose runs this once, in its
 * `keys` service, so that the services can read jwks.json from a shared volume.
 */
import { localSigningKey } from '../services/common/auth/local-signing-key.js';
import { loadConfig, loadDotEnv } from '../services/common/config.js';

loadDotEnv();
const key = await localSigningKey(loadConfig().dataDir);
process.stdout.write(
  `token signing key ${key.kid}; services verify with AUTH_PUBLIC_KEY_FILE=${key.jwksFile}\n`,
);
