/**
 * `npm run auth-keys [-- --public-dir <dir>]`: makes the local token signing key under
 * DATA_DIR/auth when it is missing (an ES256 pair: signing-key.pem, mode 0600, and its public half
 * jwks.json) and says where it is. `npm start` and `npm run token` do the same on their own; docker
 * compose runs this once, in its `keys` service, with `--public-dir` naming a second volume that
 * gets a copy of jwks.json alone: the services mount that one, so none of them can read the private
 * key (they all run as the same user, so a read-only mount of the key folder would not stop them).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { localSigningKey } from '../services/common/auth/local-signing-key.js';
import { loadConfig, loadDotEnv } from '../services/common/config.js';

const options = new Command('auth-keys')
  .description('make the local token signing key (DATA_DIR/auth) when it is missing')
  .option('--public-dir <dir>', 'also copy the public key set (jwks.json) into this folder')
  .parse()
  .opts<{ publicDir?: string }>();

loadDotEnv();
const key = await localSigningKey(loadConfig().dataDir);
let jwksFile = key.jwksFile;
if (options.publicDir) {
  mkdirSync(options.publicDir, { recursive: true });
  jwksFile = join(options.publicDir, 'jwks.json');
  copyFileSync(key.jwksFile, jwksFile);
}
process.stdout.write(`token signing key ${key.kid}; services verify with AUTH_PUBLIC_KEY_FILE=${jwksFile}\n`);
