// A corrupt settings.json, secrets.json or window-state.json in the app's data folder does not stop
// the desktop app: each is set aside (kept, renamed *.broken-<time>.json) with a notice, and the stores
// open from defaults. Real electron-store on real files; Electron's `app` is a recorder (no binary here).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const userData = vi.hoisted(() => ({ dir: '' }));
vi.mock('electron', () => {
  const app = {
    getPath: (name: string) => (name === 'userData' ? userData.dir : path.join(userData.dir, 'home')),
    getVersion: () => '0.0.0-test',
    isPackaged: false,
  };
  const ipcMain = { on: () => {} };
  const safeStorage = { isEncryptionAvailable: () => false };
  return { default: { app, ipcMain, shell: {} }, app, ipcMain, safeStorage };
});

beforeAll(() => {
  userData.dir = mkdtempSync(path.join(tmpdir(), 'kling-userdata-'));
});
afterAll(() => rmSync(userData.dir, { recursive: true, force: true }));

const GARBAGE = '{"libraryFolder": "/x", oops';

function corrupt(name: string): string {
  const file = path.join(userData.dir, `${name}.json`);
  writeFileSync(file, GARBAGE);
  return file;
}

function setAside(name: string): string[] {
  return readdirSync(userData.dir).filter((f) => f.startsWith(`${name}.broken-`) && f.endsWith('.json'));
}

describe('corrupt store files', () => {
  it('settings: set aside with a notice, the store opens from defaults and saves again', async () => {
    const file = corrupt('settings');
    const { openAppSettings } = await import('../../src/main/settings-store');
    const settings = openAppSettings();
    const [aside] = setAside('settings');
    expect(aside).toBeDefined();
    expect(readFileSync(path.join(userData.dir, aside!), 'utf8')).toBe(GARBAGE);
    expect(settings.warnings).toContainEqual(
      expect.stringMatching(
        /^settings: the file was not valid JSON; kept it as .*settings\.broken-\d+\.json/,
      ),
    );
    expect(settings.read().libraryFolder).toBe(path.join(userData.dir, 'home', 'Kling Archive'));
    settings.update((current) => ({ ...current, notifications: false }));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ notifications: false });
  });

  it('secrets: set aside with a notice in the log, the token store opens empty', async () => {
    corrupt('secrets');
    const { openAppSecrets } = await import('../../src/main/secrets');
    const warnings: string[] = [];
    const secrets = openAppSecrets({ warn: (line: string) => warnings.push(line) } as never, {
      origin: 'https://api.useapi.net',
      weakStorage: () => 'ask',
    });
    expect(setAside('secrets')).toHaveLength(1);
    expect(secrets.list()).toEqual([]);
    expect(warnings[0]).toMatch(
      /^secrets: the file was not valid JSON; kept it as .*; add your tokens again in Settings$/,
    );
  });

  it('window state: set aside with a notice, the window opens at its default size', async () => {
    corrupt('window-state');
    const { openWindowStateStore } = await import('../../src/main/settings-store');
    const notices: string[] = [];
    const store = openWindowStateStore((notice) => notices.push(notice));
    expect(store.read()).toBeUndefined();
    expect(notices).toEqual([expect.stringMatching(/^window-state: the file was not valid JSON/)]);
    store.write({ width: 800, height: 600, maximized: false });
    expect(store.read()).toEqual({ width: 800, height: 600, maximized: false });
  });

  it('leaves valid files alone', async () => {
    const { setAsideUnreadableStore } = await import('../../src/main/settings-store');
    writeFileSync(path.join(userData.dir, 'fine.json'), '{"a":1}');
    expect(setAsideUnreadableStore('fine')).toBeNull();
    expect(setAsideUnreadableStore('absent')).toBeNull();
    expect(existsSync(path.join(userData.dir, 'fine.json'))).toBe(true);
  });
});
