// The package as electron-builder makes it, offline: `electron-builder --linux dir` with a stand-in
// Electron distribution (an `electron` script carrying a fuse wire, locales/, the two licence files)
// and no rebuild. Checks what goes in: main, preload and renderer in app.asar; the Electron build of
// better-sqlite3 outside it; no dev dependency, source map or better-sqlite3 sources; the fuses
// flipped; the app's payload under 15 MB. Prints the figures (asar size, unpacked size, packages).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// @electron/fuses' order: RunAsNode, CookieEncryption, NODE_OPTIONS, inspect arguments,
// asar integrity, only load from asar, browser V8 snapshot, file:// extra privileges.
const FUSES = [
  'runAsNode',
  'cookieEncryption',
  'nodeOptions',
  'inspectArguments',
  'asarIntegrity',
  'onlyLoadAppFromAsar',
  'v8Snapshot',
  'fileProtocolPrivileges',
];

let dir: string;
let app: string;
let asarFiles: string[];
let createdNative: string | null = null;

function sizeOf(target: string): number {
  if (!existsSync(target)) return 0;
  const info = statSync(target);
  if (!info.isDirectory()) return info.size;
  return readdirSync(target).reduce((sum, name) => sum + sizeOf(path.join(target, name)), 0);
}

type AsarEntry = { files?: Record<string, AsarEntry>; unpacked?: boolean };

/**
 * The files inside an asar archive, read from its header: a Chromium pickle holding the JSON tree
 * (uint32 pickle size, uint32 header size, uint32 payload size, uint32 string length, JSON).
 */
function listAsar(file: string): string[] {
  const data = readFileSync(file);
  const length = data.readUInt32LE(12);
  const tree = JSON.parse(data.toString('utf8', 16, 16 + length)) as AsarEntry;
  const out: string[] = [];
  const walk = (entry: AsarEntry, prefix: string) => {
    for (const [name, child] of Object.entries(entry.files ?? {})) {
      const full = `${prefix}/${name}`;
      if (child.files) walk(child, full);
      else out.push(full);
    }
  };
  walk(tree, '');
  return out;
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kling-package-'));
  const dist = path.join(dir, 'electron-dist');
  mkdirSync(path.join(dist, 'locales'), { recursive: true });
  const wire = Buffer.concat([
    Buffer.from(`#!/bin/sh\nexit 0\n# ${SENTINEL}`),
    Buffer.from([1, 8]),
    Buffer.from('11111111\n'),
  ]);
  writeFileSync(path.join(dist, 'electron'), wire);
  chmodSync(path.join(dist, 'electron'), 0o755);
  writeFileSync(path.join(dist, 'LICENSE'), 'stand-in');
  writeFileSync(path.join(dist, 'LICENSES.chromium.html'), 'stand-in');
  writeFileSync(path.join(dist, 'locales', 'en-US.pak'), 'stand-in');
  // The Electron build `npm start` prepares; a stand-in (the Node build's bytes) when there is none yet.
  const native = path.join(root, '.native', 'electron', 'better_sqlite3.node');
  if (!existsSync(native)) {
    mkdirSync(path.dirname(native), { recursive: true });
    copyFileSync(path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), native);
    createdNative = native;
  }
  run(process.execPath, ['scripts/ensure-built.mjs']);
  const version = JSON.parse(
    readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8'),
  ).version;
  run(process.execPath, [
    'node_modules/electron-builder/cli.js',
    '--linux',
    'dir',
    `-c.electronDist=${dist}`,
    '-c.npmRebuild=false',
    `-c.electronVersion=${version}`,
    `-c.directories.output=${path.join(dir, 'out')}`,
  ]);
  app = path.join(dir, 'out', 'linux-unpacked');
  asarFiles = listAsar(path.join(app, 'resources', 'app.asar'));
}, 300_000);

afterAll(() => {
  if (createdNative) {
    rmSync(path.dirname(createdNative), { recursive: true, force: true });
    if (readdirSync(path.join(root, '.native')).length === 0)
      rmSync(path.join(root, '.native'), { recursive: true });
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('the package (electron-builder --linux dir, stand-in Electron)', () => {
  it('holds main, preload and renderer in app.asar and the Electron build of better-sqlite3 outside it', () => {
    for (const file of [
      '/out/main/index.js',
      '/out/preload/index.cjs',
      '/out/renderer/index.html',
      '/package.json',
    ])
      expect(asarFiles).toContain(file);
    expect(existsSync(path.join(app, 'resources', 'native', 'better_sqlite3.node'))).toBe(true);
    expect(asarFiles.filter((f) => f.endsWith('.node'))).toEqual([]);
    const unpacked = path.join(app, 'resources', 'app.asar.unpacked');
    if (existsSync(unpacked)) {
      const files = run('find', [unpacked, '-type', 'f']).split('\n').filter(Boolean);
      expect(files.filter((f) => !f.endsWith('.node'))).toEqual([]);
    }
  });

  it('carries no dev dependency, no source map, none of better-sqlite3 sources, objects or test extension', () => {
    const packages = new Set(
      asarFiles.map((f) => /^\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1]).filter(Boolean),
    );
    const dev = Object.keys(
      JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies,
    );
    expect(dev.filter((name) => packages.has(name))).toEqual([]);
    for (const heavy of [
      'electron',
      'vite',
      'svelte',
      'typescript',
      'vitest',
      'playwright-core',
      'prebuild-install',
    ])
      expect(packages.has(heavy), heavy).toBe(false);
    expect(asarFiles.filter((f) => f.endsWith('.map'))).toEqual([]);
    const sqlite = asarFiles.filter((f) => f.startsWith('/node_modules/better-sqlite3/'));
    expect(
      sqlite.filter((f) => /\/(deps|src|build)\/|\.(c|cc|cpp|h|o|a|gyp)$|test_extension/.test(f)),
    ).toEqual([]);
    expect(sqlite).toContain('/node_modules/better-sqlite3/lib/database.js');
  });

  it('flips the fuses: no run-as-node, NODE_OPTIONS or inspect; cookie encryption, asar integrity, asar only', () => {
    const binary = readFileSync(path.join(app, 'kling-archive'));
    const at = binary.indexOf(SENTINEL) + SENTINEL.length;
    const wire = binary.subarray(at + 2, at + 2 + binary[at + 1]!).toString('latin1');
    const fuses = Object.fromEntries(FUSES.map((name, i) => [name, wire[i]]));
    expect(fuses).toMatchObject({
      runAsNode: '0',
      cookieEncryption: '1',
      nodeOptions: '0',
      inspectArguments: '0',
      asarIntegrity: '1',
      onlyLoadAppFromAsar: '1',
      fileProtocolPrivileges: '0',
    });
  });

  it('keeps the app payload under 15 MB', () => {
    const asar = sizeOf(path.join(app, 'resources', 'app.asar'));
    const unpacked =
      sizeOf(path.join(app, 'resources', 'app.asar.unpacked')) +
      sizeOf(path.join(app, 'resources', 'native'));
    const packages = new Set(
      asarFiles.map((f) => /^\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter(Boolean),
    );
    console.log(
      `package figures: app.asar ${(asar / 1e6).toFixed(2)} MB, outside app.asar ${(unpacked / 1e6).toFixed(2)} MB, ` +
        `${packages.size} packages in node_modules`,
    );
    expect(asar + unpacked).toBeLessThan(15 * 1024 * 1024);
  });
});
