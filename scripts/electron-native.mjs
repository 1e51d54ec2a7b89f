// The desktop app's own build of better-sqlite3, kept apart from node_modules so both live side by
// side: node_modules holds the Node build (tests, CLI, headless mode), `.native/electron/` holds one
// for Electron's ABI, which the app loads through better-sqlite3's `nativeBinding` option and the
// package carries in its resources. `npm start` prepares it on first launch: better-sqlite3's
// prebuilt binary for this Electron (prebuild-install), else a compile against Electron's headers
// (node-gyp), each in a scratch copy of the package so node_modules is never touched. A result
// built for any other ABI (node-gyp silently uses Node's headers when npmrc sets `nodedir`) is refused.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeFailure } from './electron-binary.mjs';

export const BINDING_FILE = 'better_sqlite3.node';
const RECORD_FILE = 'build.json';

/** Where the Electron build lives (KLING_ARCHIVE_NATIVE_DIR overrides it, for tests). */
export function electronNativeDir(root, env = process.env) {
  return env.KLING_ARCHIVE_NATIVE_DIR || join(root, '.native', 'electron');
}

/** Whether `dir` holds a build recorded for exactly this Electron version and ABI. */
export function isPrepared(dir, { version, abi }) {
  try {
    const record = JSON.parse(readFileSync(join(dir, RECORD_FILE), 'utf8'));
    return record.electron === version && record.abi === abi && existsSync(join(dir, BINDING_FILE));
  } catch {
    return false;
  }
}

/**
 * The NODE_MODULE_VERSION a native module was built for. Node refuses a module of another ABI
 * before running any of its code, and its refusal names the module's ABI; one that loads is Node's.
 */
export function moduleAbiOf(file) {
  try {
    process.dlopen({ exports: {} }, file);
    return process.versions.modules;
  } catch (error) {
    const match = /NODE_MODULE_VERSION (\d+)/.exec(String(error?.message));
    if (match) return match[1];
    throw new Error(`${file} is not a loadable native module (${String(error?.message).split('\n')[0]})`, {
      cause: error,
    });
  }
}

/** null when `file` is built for `abi`, else the sentence that says it is not. */
export function abiProblem(file, abi) {
  const found = moduleAbiOf(file);
  if (found === abi) return null;
  const hint =
    found === process.versions.modules
      ? ` (that is Node ${process.versions.node}'s ABI: node-gyp used Node's headers, e.g. because npmrc sets nodedir)`
      : '';
  return `the better-sqlite3 build is for ABI ${found}${hint}, but Electron needs ABI ${abi}`;
}

function scratchCopy(root) {
  const source = join(root, 'node_modules', 'better-sqlite3');
  const scratch = mkdtempSync(join(tmpdir(), 'kling-native-'));
  for (const part of ['package.json', 'binding.gyp', 'deps', 'src', 'lib']) {
    if (existsSync(join(source, part))) cpSync(join(source, part), join(scratch, part), { recursive: true });
  }
  return scratch;
}

/** Child env without npm's nodedir: it would point node-gyp at Node's headers instead of Electron's. */
function cleanEnv(env) {
  const out = { ...env };
  for (const key of Object.keys(out)) if (/^npm_config_nodedir$/i.test(key)) delete out[key];
  return out;
}

function tool(root, command, args, cwd, env) {
  const result = spawnSync(process.execPath, [join(root, 'node_modules', ...command), ...args], {
    cwd,
    env: cleanEnv(env),
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  return { ok: result.status === 0, stderr: result.stderr ?? '' };
}

/** The two ways of getting an Electron build, tried in order; each leaves build/Release in `cwd`. */
export function defaultFetchers(root, env) {
  return [
    {
      name: 'prebuilt binary',
      run: ({ version, cwd }) =>
        tool(
          root,
          ['prebuild-install', 'bin.js'],
          [
            '--runtime',
            'electron',
            '--target',
            version,
            '--arch',
            process.arch,
            '--platform',
            process.platform,
          ],
          cwd,
          env,
        ),
    },
    {
      name: "compile against Electron's headers",
      run: ({ version, cwd }) =>
        tool(
          root,
          ['node-gyp', 'bin', 'node-gyp.js'],
          [
            'rebuild',
            '--release',
            '--runtime=electron',
            `--target=${version}`,
            '--dist-url=https://electronjs.org/headers',
          ],
          cwd,
          env,
        ),
    },
  ];
}

/**
 * Makes sure `dir` holds better-sqlite3 built for this Electron. Answers `{ ok: true, dir }` or
 * `{ ok: false, reason }` (one line). Never touches node_modules.
 */
export function prepareElectronNative({
  root,
  dir,
  version,
  abi,
  env = process.env,
  fetchers = defaultFetchers(root, env),
  say = (line) => process.stderr.write(`${line}\n`),
}) {
  if (isPrepared(dir, { version, abi })) return { ok: true, dir };
  say(`Preparing better-sqlite3 for Electron ${version} (ABI ${abi}) in ${dir} (first launch only)...`);
  const failures = [];
  for (const fetcher of fetchers) {
    const scratch = scratchCopy(root);
    try {
      const outcome = fetcher.run({ version, abi, cwd: scratch });
      const built = join(scratch, 'build', 'Release', BINDING_FILE);
      if (!outcome.ok || !existsSync(built)) {
        failures.push(`${fetcher.name}: ${summarizeFailure(outcome.stderr)}`);
        continue;
      }
      let problem;
      try {
        problem = abiProblem(built, abi);
      } catch (error) {
        problem = error.message;
      }
      if (problem) {
        failures.push(`${fetcher.name}: ${problem}`);
        continue;
      }
      mkdirSync(dir, { recursive: true });
      renameSync(built, join(dir, BINDING_FILE));
      writeFileSync(
        join(dir, RECORD_FILE),
        `${JSON.stringify({ electron: version, abi, by: fetcher.name }, null, 2)}\n`,
      );
      return { ok: true, dir };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return {
    ok: false,
    reason: `better-sqlite3 could not be prepared for Electron ${version} (${failures.join('; ')})`,
  };
}
