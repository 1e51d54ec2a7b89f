// `npm start` and `npm run demo` as a user runs them, with a stand-in Electron distribution
// (ELECTRON_OVERRIDE_DIST_PATH → a small script that records its arguments, environment and the
// settings it was pointed at): the app's entry, the Electron build of better-sqlite3, and for the
// demo its settings, library and token reach it. Without Electron, one line says why and the
// browser mode starts. The first-launch pieces (installer, native build) are tested with injected
// steps, since nothing here can download.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without type declarations
import * as binaryModule from '../../scripts/electron-binary.mjs';
// @ts-expect-error -- a plain .mjs script without type declarations
import * as nativeModule from '../../scripts/electron-native.mjs';

type Outcome = { binary: string | null; reason?: string };
const { electronAbi, electronVersion, obtainElectron } = binaryModule as {
  electronAbi(root: string): string;
  electronVersion(root: string): string;
  obtainElectron(o: object): Outcome;
};
const { abiProblem, isPrepared, prepareElectronNative } = nativeModule as {
  abiProblem(file: string, abi: string): string | null;
  isPrepared(dir: string, build: object): boolean;
  prepareElectronNative(o: object): { ok: boolean; reason?: string };
};

const root = fileURLToPath(new URL('../..', import.meta.url));
const version = electronVersion(root);
const abi = electronAbi(root);
let dir: string;
let dist: string;
let nativeDir: string;

const STAND_IN = `#!${process.execPath}
// Stand-in Electron: records how it was launched, and what the demo's settings folder holds.
const fs = require('node:fs');
const path = require('node:path');
const userData = process.argv.find((a) => a.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length);
const settingsFile = userData && path.join(userData, 'settings.json');
const settings = settingsFile && fs.existsSync(settingsFile) ? JSON.parse(fs.readFileSync(settingsFile, 'utf8')) : null;
const env = {};
for (const key of ['KLING_ARCHIVE_NATIVE_DIR', 'USEAPI_TOKEN', 'KLING_ARCHIVE_API_BASE']) env[key] = process.env[key];
fs.writeFileSync(process.env.STAND_IN_RECORD, JSON.stringify({ argv: process.argv.slice(2), env, settings,
  libraryExists: settings ? fs.existsSync(path.join(settings.libraryFolder, '.kling-archive')) || fs.existsSync(settings.libraryFolder) : false }));
`;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kling-start-'));
  dist = path.join(dir, 'dist');
  mkdirSync(dist);
  writeFileSync(path.join(dist, 'electron'), STAND_IN);
  chmodSync(path.join(dist, 'electron'), 0o755);
  nativeDir = path.join(dir, 'native');
  mkdirSync(nativeDir);
  writeFileSync(path.join(nativeDir, 'better_sqlite3.node'), 'stand-in');
  writeFileSync(path.join(nativeDir, 'build.json'), JSON.stringify({ electron: version, abi }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runStart(args: string[], env: Record<string, string>, stopWhen?: RegExp) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs'), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const look = () => {
      if (stopWhen && stopWhen.test(stdout)) child.kill('SIGINT');
    };
    child.stdout.on('data', (c: Buffer) => ((stdout += c.toString()), look()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm start / npm run demo with a stand-in Electron', () => {
  it('npm start launches Electron with the app entry and the folder of its better-sqlite3 build', async () => {
    const record = path.join(dir, 'start.json');
    const run = await runStart([], {
      ELECTRON_OVERRIDE_DIST_PATH: dist,
      KLING_ARCHIVE_NATIVE_DIR: nativeDir,
      STAND_IN_RECORD: record,
    });
    expect(run.code, run.stderr).toBe(0);
    const seen = JSON.parse(readFileSync(record, 'utf8'));
    expect(seen.argv).toEqual([root]);
    expect(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).main).toBe(
      './out/main/index.js',
    );
    expect(existsSync(path.join(root, 'out', 'main', 'index.js'))).toBe(true);
    expect(seen.env.KLING_ARCHIVE_NATIVE_DIR).toBe(nativeDir);
  }, 180_000);

  it("npm run demo launches it on the demo's settings folder, library and token, and cleans up after", async () => {
    const record = path.join(dir, 'demo.json');
    const run = await runStart(['--demo'], {
      ELECTRON_OVERRIDE_DIST_PATH: dist,
      KLING_ARCHIVE_NATIVE_DIR: nativeDir,
      STAND_IN_RECORD: record,
    });
    expect(run.code, run.stderr).toBe(0);
    const seen = JSON.parse(readFileSync(record, 'utf8'));
    expect(seen.argv[0]).toBe(root);
    const userData = (seen.argv[1] as string).replace('--user-data-dir=', '');
    expect(seen.argv[1]).toMatch(/^--user-data-dir=.*kling-archive-demo-.*config$/);
    expect(seen.settings.libraryFolder).toBe(path.join(path.dirname(userData), 'library'));
    expect(seen.settings.apiBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(seen.settings.accounts.length).toBeGreaterThan(0);
    expect(seen.libraryExists).toBe(true);
    expect(seen.env.USEAPI_TOKEN).toMatch(/\S/);
    expect(seen.env.KLING_ARCHIVE_NATIVE_DIR).toBe(nativeDir);
    // The demo's folder goes when the window's app ends.
    expect(existsSync(path.dirname(userData))).toBe(false);
  }, 180_000);

  it('without Electron: one line says why, then browser mode prints its URL', async () => {
    const run = await runStart(
      ['--demo'],
      { ELECTRON_OVERRIDE_DIST_PATH: path.join(dir, 'nothing-here'), KLING_ARCHIVE_NATIVE_DIR: nativeDir },
      /Open http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(run.stdout).toMatch(/Kling Archive demo is running\. Open http:\/\/127\.0\.0\.1:\d+/);
    const said = run.stderr.split('\n').filter((line) => line.startsWith('No desktop window'));
    expect(said).toEqual([
      `No desktop window: ELECTRON_OVERRIDE_DIST_PATH (${path.join(dir, 'nothing-here')}) holds no Electron executable. Continuing in browser mode.`,
    ]);
  }, 180_000);

  it('--headless goes to browser mode without looking for Electron', async () => {
    const record = path.join(dir, 'headless.json');
    const run = await runStart(
      ['--headless', '--port', '0'],
      { ELECTRON_OVERRIDE_DIST_PATH: dist, KLING_ARCHIVE_NATIVE_DIR: nativeDir, STAND_IN_RECORD: record },
      /http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(run.stdout).toMatch(/http:\/\/127\.0\.0\.1:\d+/);
    expect(run.stderr).not.toMatch(/No desktop window/);
    expect(existsSync(record)).toBe(false);
  }, 180_000);
});

describe('first launch', () => {
  it("runs the electron package's installer when the binary is missing, and says a failure in one line", () => {
    const said: string[] = [];
    const installs: string[] = [];
    mkdirSync(path.join(dir, 'fresh', 'node_modules', 'electron'), { recursive: true });
    writeFileSync(
      path.join(dir, 'fresh', 'node_modules', 'electron', 'package.json'),
      JSON.stringify({ version }),
    );
    const outcome = obtainElectron({
      root: path.join(dir, 'fresh'),
      env: {},
      say: (line: string) => said.push(line),
      install: (r: string) => (
        installs.push(r),
        { ok: false, stderr: 'TypeError: fetch failed\n    at x (y.js:1:1)\n' }
      ),
    });
    expect(installs).toHaveLength(1);
    expect(outcome).toEqual({
      binary: null,
      reason: 'Electron could not be downloaded (no network connection)',
    });
    expect(said).toEqual([
      expect.stringMatching(/not downloaded yet: fetching it with the electron package's installer/),
    ]);
  });

  it('answers the binary the installer put in place', () => {
    const fresh = path.join(dir, 'fresh2');
    const pkg = path.join(fresh, 'node_modules', 'electron');
    mkdirSync(path.join(pkg, 'dist'), { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ version }));
    const outcome = obtainElectron({
      root: fresh,
      env: {},
      say: () => {},
      install: () => {
        writeFileSync(path.join(pkg, 'path.txt'), 'electron');
        writeFileSync(path.join(pkg, 'dist', 'electron'), '');
        return { ok: true, stderr: '' };
      },
    });
    expect(outcome).toEqual({ binary: path.join(pkg, 'dist', 'electron') });
  });

  it('prepares the Electron build of better-sqlite3 apart from node_modules, refusing a wrong ABI plainly', () => {
    const target = path.join(dir, 'prepared');
    const nodeBuild = path.join(
      root,
      'node_modules',
      'better-sqlite3',
      'build',
      'Release',
      'better_sqlite3.node',
    );
    const nodeBuildBefore = readFileSync(nodeBuild);
    const copyNodeBuild = ({ cwd }: { cwd: string }) => {
      mkdirSync(path.join(cwd, 'build', 'Release'), { recursive: true });
      writeFileSync(path.join(cwd, 'build', 'Release', 'better_sqlite3.node'), nodeBuildBefore);
      return { ok: true, stderr: '' };
    };
    const wrong = prepareElectronNative({
      root,
      dir: target,
      version,
      abi,
      say: () => {},
      fetchers: [{ name: 'silently wrong compile', run: copyNodeBuild }],
    });
    expect(wrong.ok).toBe(false);
    expect(wrong.reason).toBe(
      `better-sqlite3 could not be prepared for Electron ${version} (silently wrong compile: the better-sqlite3 build is for ABI ${process.versions.modules} (that is Node ${process.versions.node}'s ABI: node-gyp used Node's headers, e.g. because npmrc sets nodedir), but Electron needs ABI ${abi})`,
    );
    expect(isPrepared(target, { version, abi })).toBe(false);
    // The same file is accepted for the ABI it really has, and node_modules is left as it was.
    const right = prepareElectronNative({
      root,
      dir: target,
      version,
      abi: process.versions.modules,
      say: () => {},
      fetchers: [{ name: 'copy', run: copyNodeBuild }],
    });
    expect(right).toEqual({ ok: true, dir: target });
    expect(isPrepared(target, { version, abi: process.versions.modules })).toBe(true);
    expect(abiProblem(path.join(target, 'better_sqlite3.node'), process.versions.modules)).toBeNull();
    expect(readFileSync(nodeBuild).equals(nodeBuildBefore)).toBe(true);
  });
});
