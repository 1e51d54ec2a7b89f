// Finds a Chromium for the browser tests, and provides one on a fresh machine where it can:
// CHROMIUM_PATH, then a Chromium or Chrome on the PATH or in the usual places, then Playwright's
// browser cache; else, as root on Debian/Ubuntu, Debian's `chromium` package (said on stdout).
// `findChromium` only looks; `provideChromium` may install. Both take their surroundings as
// parameters so tests can simulate a machine without any browser.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];
const FIXED = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];
// Inside a Playwright browser folder (chromium-<rev>, chromium_headless_shell-<rev>).
const PLAYWRIGHT_EXECUTABLES = [
  'chrome-linux64/chrome',
  'chrome-linux/chrome',
  'chrome-linux64/headless_shell',
  'chrome-linux/headless_shell',
  'chrome-headless-shell-linux64/chrome-headless-shell',
];

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function playwrightCache(env, home) {
  if (env.PLAYWRIGHT_BROWSERS_PATH && env.PLAYWRIGHT_BROWSERS_PATH !== '0')
    return env.PLAYWRIGHT_BROWSERS_PATH;
  return join(home, '.cache', 'ms-playwright');
}

function fromPlaywrightCache(cache) {
  if (!existsSync(cache)) return null;
  const folders = readdirSync(cache)
    .filter((name) => name.startsWith('chromium'))
    .sort()
    .reverse();
  for (const folder of folders) {
    for (const relative of PLAYWRIGHT_EXECUTABLES) {
      const candidate = join(cache, folder, relative);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

/**
 * The first Chromium found, as `{ path, source }`, or null. `CHROMIUM_PATH` wins when set; one that
 * does not exist is an error rather than a silent fallback, so a typo is seen.
 */
export function findChromium({ env = process.env, home = homedir(), fixed = FIXED } = {}) {
  if (env.CHROMIUM_PATH) {
    if (!isExecutable(env.CHROMIUM_PATH))
      throw new Error(`CHROMIUM_PATH is ${env.CHROMIUM_PATH}, which is not an executable file.`);
    return { path: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of NAMES) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return { path: candidate, source: 'PATH' };
    }
  }
  for (const candidate of fixed) if (isExecutable(candidate)) return { path: candidate, source: 'installed' };
  const cached = fromPlaywrightCache(playwrightCache(env, home));
  return cached ? { path: cached, source: "Playwright's cache" } : null;
}

/** Debian or Ubuntu (or a derivative), from /etc/os-release. */
export function isDebianLike(osRelease = '/etc/os-release') {
  if (!existsSync(osRelease)) return false;
  const text = readFileSync(osRelease, 'utf8');
  return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(text);
}

function defaultApt(say) {
  const quiet = {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  };
  if (spawnSync('apt-get', ['update', '-qq'], quiet).status !== 0) return false;
  say('apt-get install chromium (about 30 s)...');
  const args = ['install', '-y', '-qq', '--no-install-recommends', 'chromium'];
  return spawnSync('apt-get', args, quiet).status === 0;
}

/**
 * A Chromium for the tests: found, or installed with apt when running as root on Debian/Ubuntu.
 * Answers `{ path, source }` or `{ path: null, reason }`; every step that changes the machine is said.
 */
export function provideChromium({
  env = process.env,
  home = homedir(),
  fixed = FIXED,
  isRoot = typeof process.getuid === 'function' && process.getuid() === 0,
  debianLike = isDebianLike(),
  apt = defaultApt,
  say = (line) => process.stdout.write(`${line}\n`),
} = {}) {
  const found = findChromium({ env, home, fixed });
  if (found) return found;
  if (!isRoot || !debianLike) {
    return {
      path: null,
      reason: `no Chromium found (CHROMIUM_PATH, PATH, ${fixed[0]}, Playwright's cache) and ${
        isRoot ? 'this is not Debian/Ubuntu' : 'not root'
      }, so none can be installed`,
    };
  }
  say("No Chromium found: installing Debian's chromium package for the browser tests.");
  if (!apt(say)) return { path: null, reason: 'apt-get install chromium failed' };
  const installed = findChromium({ env, home, fixed });
  return installed
    ? { ...installed, source: 'installed now with apt-get' }
    : { path: null, reason: 'apt-get installed chromium but no executable was found' };
}
