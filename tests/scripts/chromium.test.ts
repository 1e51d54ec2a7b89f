// How `npm test` finds or provides a Chromium, on simulated machines: the surroundings (env, PATH,
// home, the fixed places, root or not, Debian or not, apt) are parameters, so nothing is uninstalled.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without type declarations
import * as finder from '../../scripts/chromium.mjs';

type Found = { path: string | null; source?: string; reason?: string };
const { findChromium, provideChromium } = finder as {
  findChromium(o: object): Found | null;
  provideChromium(o: object): Found;
};

let dir: string;
const executable = (file: string) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
  return file;
};

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kling-chromium-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bare = () => ({
  env: { PATH: path.join(dir, 'empty-bin') },
  home: path.join(dir, 'nohome'),
  fixed: [],
});

describe('findChromium', () => {
  it('finds nothing on a machine without a browser', () => {
    expect(findChromium(bare())).toBeNull();
  });

  it('takes CHROMIUM_PATH first, and refuses one that is not an executable', () => {
    const own = executable(path.join(dir, 'own', 'chrome'));
    expect(findChromium({ ...bare(), env: { CHROMIUM_PATH: own } })).toEqual({
      path: own,
      source: 'CHROMIUM_PATH',
    });
    expect(() => findChromium({ ...bare(), env: { CHROMIUM_PATH: path.join(dir, 'typo') } })).toThrow(
      /CHROMIUM_PATH .* not an executable/,
    );
  });

  it('finds chromium or Chrome on the PATH, then in the fixed places', () => {
    const bin = path.join(dir, 'bin');
    const chrome = executable(path.join(bin, 'google-chrome'));
    expect(findChromium({ ...bare(), env: { PATH: bin } })).toEqual({ path: chrome, source: 'PATH' });
    const fixed = executable(path.join(dir, 'opt', 'chromium'));
    expect(findChromium({ ...bare(), fixed: [fixed] })).toEqual({ path: fixed, source: 'installed' });
  });

  it("finds the newest browser in Playwright's cache (home or PLAYWRIGHT_BROWSERS_PATH)", () => {
    const home = path.join(dir, 'home');
    executable(path.join(home, '.cache/ms-playwright/chromium-1100/chrome-linux/chrome'));
    const newer = executable(path.join(home, '.cache/ms-playwright/chromium-1200/chrome-linux64/chrome'));
    expect(findChromium({ ...bare(), home })).toEqual({ path: newer, source: "Playwright's cache" });
    const custom = path.join(dir, 'pw');
    const shell = executable(path.join(custom, 'chromium_headless_shell-1200/chrome-linux/headless_shell'));
    expect(findChromium({ ...bare(), env: { PLAYWRIGHT_BROWSERS_PATH: custom } })?.path).toBe(shell);
  });
});

describe('provideChromium', () => {
  it('installs with apt only as root on Debian, and says so on stdout', () => {
    const said: string[] = [];
    const target = path.join(dir, 'apt-installed', 'chromium');
    const installed = provideChromium({
      ...bare(),
      fixed: [target],
      isRoot: true,
      debianLike: true,
      apt: () => (executable(target), true),
      say: (line: string) => said.push(line),
    });
    expect(installed).toEqual({ path: target, source: 'installed now with apt-get' });
    expect(said.join('\n')).toMatch(/installing Debian's chromium package/);
  });

  it('gives the reason when it cannot install, and never calls apt then', () => {
    let aptCalls = 0;
    const apt = () => (aptCalls++, true);
    const notRoot = provideChromium({ ...bare(), isRoot: false, debianLike: true, apt, say: () => {} });
    expect(notRoot).toMatchObject({ path: null, reason: expect.stringMatching(/not root/) });
    const notDebian = provideChromium({ ...bare(), isRoot: true, debianLike: false, apt, say: () => {} });
    expect(notDebian).toMatchObject({ path: null, reason: expect.stringMatching(/not Debian/) });
    expect(aptCalls).toBe(0);
    const failing = provideChromium({
      ...bare(),
      isRoot: true,
      debianLike: true,
      apt: () => false,
      say: () => {},
    });
    expect(failing).toEqual({ path: null, reason: 'apt-get install chromium failed' });
  });
});
