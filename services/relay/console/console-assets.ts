import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The console's page, script and style: plain files beside this module (copied next to the build
 * by `npm run build`), read once. No bundler, no framework, nothing fetched from another host.
 */
const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

export type ConsoleAssets = {
  page: string;
  signInPage: string;
  files: Map<string, { type: string; body: string }>;
};

let loaded: ConsoleAssets | undefined;

const read = (name: string) => readFileSync(`${PUBLIC_DIR}${name}`, 'utf8');

export function consoleAssets(): ConsoleAssets {
  loaded ??= {
    page: read('index.html'),
    signInPage: read('sign-in.html'),
    files: new Map([
      ['console.js', { type: 'text/javascript', body: read('console.js') }],
      ['sign-in.js', { type: 'text/javascript', body: read('sign-in.js') }],
      ['console.css', { type: 'text/css', body: read('console.css') }],
    ]),
  };
  return loaded;
}
