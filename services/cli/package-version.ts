import { readFileSync } from 'node:fs';

/**
 * The version in the checkout's package.json: the nearest one above this file, found by walking up
 * because the sources (services/cli) and the build (dist/services/cli) sit at different depths.
 */
export function packageVersion(): string {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const manifest = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { version?: string };
      if (manifest.version) return manifest.version;
    } catch {
      // No (readable) package.json here: look one folder up.
    }
    if (new URL('..', dir).href === dir.href) throw new Error('no package.json above the CLI');
  }
}
