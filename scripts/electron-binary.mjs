// The Electron binary for `npm start` and `npm run demo`. Electron 40+ fetches its binary on first
// use, not at install: when it is missing, this runs the `electron` package's own installer (with its
// progress) once, and answers the executable or the one-line reason there is none.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function electronPackageDir(root) {
  return join(root, 'node_modules', 'electron');
}

/** The installed Electron's version, from its package.json (never by requiring the package). */
export function electronVersion(root) {
  return JSON.parse(readFileSync(join(electronPackageDir(root), 'package.json'), 'utf8')).version;
}

/** The NODE_MODULE_VERSION native modules must be built for, as the electron package records it. */
export function electronAbi(root) {
  return readFileSync(join(electronPackageDir(root), 'abi_version'), 'utf8').trim();
}

/**
 * The Electron executable, or null. Resolves it as the electron package's index.js does
 * (ELECTRON_OVERRIDE_DIST_PATH, else dist/<path.txt>) but never requires the package: doing so
 * would start a download.
 */
export function findElectronBinary(env = process.env, root = defaultRoot()) {
  const pkg = electronPackageDir(root);
  const pathFile = join(pkg, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH || join(pkg, 'dist');
  const name = executable || (process.platform === 'win32' ? 'electron.exe' : 'electron');
  if (!env.ELECTRON_OVERRIDE_DIST_PATH && !executable) return null;
  const candidate = join(dist, name);
  return existsSync(candidate) ? candidate : null;
}

function defaultRoot() {
  return new URL('..', import.meta.url).pathname;
}

/** What an installer's error output says went wrong, in one line (not its stack or its info lines). */
export function summarizeFailure(stderr) {
  const lines = [
    ...new Set(
      stderr
        .split('\n')
        .map((line) =>
          line
            .replace(/^(gyp (ERR!|WARN)( configure error| stack)?|prebuild-install warn install)\s*/, '')
            .trim(),
        )
        .filter(
          (line) =>
            line &&
            !/^(at |gyp info|gyp http|System |command |cwd |node -v|node-gyp -v|not ok)/.test(line) &&
            !/^[{}[\]]/.test(line),
        ),
    ),
  ];
  const code = lines.find((line) =>
    /(ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|\b[45]\d\d\b)/.test(line),
  );
  const network = lines.some((line) => /network connectivity|fetch failed/i.test(line));
  const cause = code ?? (network ? 'no network connection' : lines.find((line) => /Error\b/.test(line)));
  return cause ?? lines[0] ?? 'the installer gave no reason';
}

/**
 * Runs node_modules/electron/install.js. At a terminal its stderr is the terminal, so its own
 * progress bar shows (it draws only on a TTY); elsewhere (CI, logs, tests) its output is kept and a
 * failure is said in one line.
 */
function runInstaller(root, env) {
  const terminal = process.stderr.isTTY === true && !env.CI;
  const result = spawnSync(process.execPath, [join(electronPackageDir(root), 'install.js')], {
    cwd: root,
    env,
    stdio: ['ignore', 'inherit', terminal ? 'inherit' : 'pipe'],
    encoding: 'utf8',
  });
  return {
    ok: result.status === 0,
    stderr: terminal ? "the installer's message is above" : (result.stderr ?? ''),
  };
}

/**
 * The Electron executable, downloading it first when missing. Answers `{ binary }` or
 * `{ binary: null, reason }` (one line, fit to print).
 */
export function obtainElectron({
  root = defaultRoot(),
  env = process.env,
  install = runInstaller,
  say = (line) => process.stderr.write(`${line}\n`),
} = {}) {
  const found = findElectronBinary(env, root);
  if (found) return { binary: found };
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    return {
      binary: null,
      reason: `ELECTRON_OVERRIDE_DIST_PATH (${env.ELECTRON_OVERRIDE_DIST_PATH}) holds no Electron executable`,
    };
  }
  say(
    `Electron ${electronVersion(root)} is not downloaded yet: fetching it with the electron package's installer...`,
  );
  const outcome = install(root, env);
  const binary = findElectronBinary(env, root);
  if (outcome.ok && binary) return { binary };
  return { binary: null, reason: `Electron could not be downloaded (${summarizeFailure(outcome.stderr)})` };
}
