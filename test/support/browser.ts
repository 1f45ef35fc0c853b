import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser; CHROMIUM_PATH names another. */
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * A headless Chromium driven by playwright-core, for the console's browser tests. playwright-core
 * downloads no browser: it drives the system's (`apt-get install chromium`, which `.ci/run`
 * installs when missing). No browser, no test: it fails saying how to get one.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = CANDIDATES.find((path): path is string => Boolean(path) && existsSync(path!));
  if (!executablePath)
    throw new Error(
      'No Chromium for the browser tests: install it (sudo apt-get install chromium) or set CHROMIUM_PATH',
    );
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
}
