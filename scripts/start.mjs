// `npm start` and `npm run demo` (`--demo`): build if needed, then open the desktop window. On first
// launch that means fetching the Electron binary (the electron package's own installer) and preparing
// better-sqlite3 for Electron's ABI in .native/electron (scripts/electron-native.mjs). Where either
// cannot be had, it says why in one line and continues in browser mode: the headless server, which
// prints the URL to open. `--headless` asks for browser mode directly.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronAbi, electronVersion, obtainElectron } from './electron-binary.mjs';
import { electronNativeDir, prepareElectronNative } from './electron-native.mjs';

export { findElectronBinary } from './electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const say = (line) => process.stderr.write(`${line}\n`);

/** The Electron executable and the folder of its better-sqlite3 build, or the one-line reason not. */
export function prepareDesktop(env = process.env) {
  const electron = obtainElectron({ root, env, say });
  if (!electron.binary) return { reason: electron.reason };
  const dir = electronNativeDir(root, env);
  const native = prepareElectronNative({
    root,
    dir,
    version: electronVersion(root),
    abi: electronAbi(root),
    env,
    say,
  });
  if (!native.ok) return { reason: native.reason };
  return { binary: electron.binary, nativeDir: dir };
}

function ensureBuilt() {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'ensure-built.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Runs a child to its end, passing Ctrl+C on, and exits with its code. */
function runToEnd(command, args, options) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options });
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return child;
}

function startBrowserMode(demo, extraArgs) {
  runToEnd(process.execPath, [join(root, 'bin', 'kling-archive.js'), demo ? 'demo' : 'serve', ...extraArgs]);
}

function electronEnv(desktop, extra = {}) {
  return { ...process.env, KLING_ARCHIVE_NATIVE_DIR: desktop.nativeDir, ...extra };
}

/** The demo's simulator and seeded folder run in a Node child; the window opens that folder. */
function startDesktopDemo(desktop, extraArgs) {
  const demo = spawn(process.execPath, [join(root, 'bin', 'kling-archive.js'), 'demo', '--desktop'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffered = '';
  demo.stdout.on('data', (chunk) => {
    buffered += chunk.toString();
    const line = /^desktop-demo (.*)$/m.exec(buffered);
    if (!line || demo.launched) return;
    demo.launched = true;
    const facts = JSON.parse(line[1]);
    const env = electronEnv(desktop, { USEAPI_TOKEN: facts.token, KLING_ARCHIVE_API_BASE: facts.apiBase });
    const app = spawn(desktop.binary, [root, `--user-data-dir=${facts.configDir}`, ...extraArgs], {
      cwd: root,
      stdio: 'inherit',
      env,
    });
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal));
    // The demo's folder is deleted when the window's app ends.
    app.on('exit', (code) => {
      demo.kill('SIGTERM');
      demo.on('exit', () => process.exit(code ?? 0));
    });
  });
  demo.on('exit', (code) => {
    if (!demo.launched) {
      say('The demo could not be prepared; see the messages above.');
      process.exit(code || 1);
    }
  });
}

function main() {
  const args = process.argv.slice(2);
  const headless = args.includes('--headless');
  const demo = args.includes('--demo');
  const rest = args.filter((a) => !['--headless', '--demo', '--'].includes(a));
  ensureBuilt();
  const desktop = headless ? { reason: null } : prepareDesktop();
  if (!desktop.binary) {
    if (desktop.reason) say(`No desktop window: ${desktop.reason}. Continuing in browser mode.`);
    startBrowserMode(demo, rest);
  } else if (demo) {
    startDesktopDemo(desktop, rest);
  } else {
    runToEnd(desktop.binary, [root, ...rest], { env: electronEnv(desktop) });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
