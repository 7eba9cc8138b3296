/**
 * Chromium, for the board's browser tests and `npm run screenshots`: Debian's `chromium` package
 * (npm packages that download a browser of their own cannot reach the network here). Found at
 * CHROMIUM_PATH, else on the PATH under its usual names.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** What to do when it is missing. */
export const CHROMIUM_REQUIRED =
  "The triage board's tests (and npm run screenshots) load it in a real browser: they need Chromium. Install it, e.g. `sudo apt-get install -y chromium` (Debian, Ubuntu) or `brew install --cask chromium` (macOS), or set CHROMIUM_PATH to a Chromium or Chrome executable, and try again.";

/** The Chromium executable, or undefined when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return executable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  for (const directory of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of NAMES) {
      const candidate = join(directory, name);
      if (executable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** The Chromium executable; throws, saying what to install, when there is none. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const found = findChromium(env);
  if (!found) throw new Error(`Chromium was not found. ${CHROMIUM_REQUIRED}`);
  return found;
}

/** The flags a headless Chromium runs with here: no sandbox (root, containers), no network of its own. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
