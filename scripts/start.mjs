// `npm start`: builds and launches the desktop app. Where the Electron binary is not installed (it
// cannot be downloaded on every machine), it says so and starts the headless mode instead, which
// prints the URL to open in a browser. `npm start -- --headless` asks for the headless mode directly.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The Electron executable, or null. Never requires the `electron` package: doing so starts a
 * download when the binary is missing.
 */
export function findElectronBinary(env = process.env) {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = join(
      env.ELECTRON_OVERRIDE_DIST_PATH,
      executable || (process.platform === 'win32' ? 'electron.exe' : 'electron'),
    );
    return existsSync(candidate) ? candidate : null;
  }
  if (!executable) return null;
  const candidate = join(pkg, 'dist', executable);
  return existsSync(candidate) ? candidate : null;
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function startHeadless(extraArgs) {
  run(process.execPath, [join(root, 'scripts', 'ensure-built.mjs')]);
  const child = spawn(process.execPath, [join(root, 'bin', 'kling-archive.js'), 'serve', ...extraArgs], {
    cwd: root,
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

function main() {
  const args = process.argv.slice(2);
  const headless = args.includes('--headless');
  const rest = args.filter((a) => a !== '--headless' && a !== '--');
  const electron = headless ? null : findElectronBinary();
  if (!electron) {
    if (!headless) {
      process.stderr.write(
        'The Electron binary is not installed here (node_modules/electron has no binary and ELECTRON_OVERRIDE_DIST_PATH is not set),\n' +
          'so the desktop window cannot open. Starting the headless mode instead: open the URL below in a browser.\n',
      );
    }
    startHeadless(rest);
    return;
  }
  run('npx', ['electron-vite', 'build']);
  process.stderr.write(
    'Starting the desktop app. If it reports a better-sqlite3 ABI mismatch, run: npx electron-builder install-app-deps\n' +
      '(and `npm rebuild better-sqlite3` before running the tests again).\n',
  );
  const child = spawn(electron, [root, ...rest], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
