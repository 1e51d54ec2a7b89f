// Settings: one schema, defaults, migrations, and stored values that no longer fit falling back to
// their defaults (with a warning) instead of crashing — all on real conf files in a temp folder.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSettingsStore,
  defaultSettings,
  migrateSettings,
  SETTINGS_VERSION,
  SettingsVersionError,
  StoredSettingsSchema,
} from '../../../src/core/settings';
import { openConfSettingsStore } from '../../../src/core/settings/conf-store';

let dir: string;
const defaults = () => defaultSettings({ home: '/home/someone' });
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kling-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fileOf = () =>
  JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;

describe('defaults', () => {
  it('are valid, versioned, and put the library in the home folder', () => {
    const d = defaults();
    expect(StoredSettingsSchema.parse(d)).toEqual(d);
    expect(d.schemaVersion).toBe(SETTINGS_VERSION);
    expect(d.libraryFolder).toBe('/home/someone/Kling Archive');
    expect(d.apiBase).toBe('https://api.useapi.net/v1/kling');
    expect(d.accounts).toEqual([]);
    expect(d.activeAccountId).toBeNull();
    expect(defaultSettings({ home: '/h', apiBase: 'http://127.0.0.1:1/' }).apiBase).toBe(
      'http://127.0.0.1:1/',
    );
  });

  it('a fresh conf store reads the defaults and writes them with the version', () => {
    const { store } = openConfSettingsStore(dir, { defaults: defaults() });
    expect(store.read()).toEqual(defaults());
    expect(fileOf()['schemaVersion']).toBe(SETTINGS_VERSION);
    expect(store.warnings).toEqual([]);
  });
});

describe('update', () => {
  it('validates, persists across reopening, and returns copies', () => {
    const { store } = openConfSettingsStore(dir, { defaults: defaults() });
    const next = store.update((s) => ({ ...s, polling: { ...s.polling, intervalSeconds: 60 } }));
    next.polling.intervalSeconds = 1;
    expect(store.read().polling.intervalSeconds).toBe(60);
    const reopened = openConfSettingsStore(dir, { defaults: defaults() }).store;
    expect(reopened.read().polling.intervalSeconds).toBe(60);
  });

  it('refuses an invalid result and keeps the previous settings', () => {
    const { store } = openConfSettingsStore(dir, { defaults: defaults() });
    expect(() => store.update((s) => ({ ...s, polling: { ...s.polling, intervalSeconds: 0 } }))).toThrow();
    expect(store.read().polling.intervalSeconds).toBe(20);
    expect(fileOf()['polling']).toMatchObject({ intervalSeconds: 20 });
  });
});

describe('reading stored values', () => {
  it('fills missing fields from the defaults and keeps fields it does not know', () => {
    writeFileSync(
      path.join(dir, 'settings.json'),
      JSON.stringify({ schemaVersion: 1, polling: { intervalSeconds: 45 }, futureOption: 'kept' }),
    );
    const { store } = openConfSettingsStore(dir, { defaults: defaults() });
    expect(store.read().polling).toEqual({ ...defaults().polling, intervalSeconds: 45 });
    store.update((s) => ({ ...s, notifications: false }));
    expect(fileOf()['futureOption']).toBe('kept');
  });

  it('a value that no longer fits falls back to its default with a warning; the rest is kept', () => {
    writeFileSync(
      path.join(dir, 'settings.json'),
      JSON.stringify({ schemaVersion: 1, apiBase: 42, notifications: false, downloads: { concurrency: 99 } }),
    );
    const { store } = openConfSettingsStore(dir, { defaults: defaults() });
    expect(store.read().apiBase).toBe(defaults().apiBase);
    expect(store.read().notifications).toBe(false);
    expect(store.read().downloads).toEqual(defaults().downloads);
    expect(store.warnings.join('\n')).toMatch(/'apiBase' is not valid/);
    expect(store.warnings.join('\n')).toMatch(/'downloads' is not valid/);
  });

  it('an active account that does not exist falls back to the first account', () => {
    const account = { id: 'a1', label: 'A', email: 'a@example.com', tokenId: 't1' };
    writeFileSync(
      path.join(dir, 'settings.json'),
      JSON.stringify({ schemaVersion: 1, accounts: [account], activeAccountId: 'gone' }),
    );
    expect(openConfSettingsStore(dir, { defaults: defaults() }).store.read().activeAccountId).toBe('a1');
  });

  it('a file that is not JSON is set aside, never deleted, and the app starts from defaults', () => {
    writeFileSync(path.join(dir, 'settings.json'), '{ this is not json');
    const { store, setAside } = openConfSettingsStore(dir, { defaults: defaults() });
    expect(store.read()).toEqual(defaults());
    expect(setAside).not.toBeNull();
    expect(readFileSync(setAside!, 'utf8')).toBe('{ this is not json');
    expect(readdirSync(dir).some((f) => f.startsWith('settings.broken-'))).toBe(true);
    expect(store.warnings.join()).toMatch(/not valid JSON/);
  });
});

describe('migrations', () => {
  it('an unversioned file is brought to the current version', () => {
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ notifications: false }));
    const { store } = openConfSettingsStore(dir, { defaults: defaults() });
    expect(store.read().notifications).toBe(false);
    expect(fileOf()['schemaVersion']).toBe(SETTINGS_VERSION);
  });

  it('steps run in order, each from its version to the next', () => {
    const migrations = {
      0: (raw: Record<string, unknown>) => ({ ...raw, schemaVersion: 1, trail: ['0→1'] }),
      1: (raw: Record<string, unknown>) => ({
        ...raw,
        schemaVersion: 2,
        trail: [...(raw['trail'] as string[]), '1→2'],
        // A future version renames a field: the step carries the value over.
        pollSeconds: undefined,
        polling: { intervalSeconds: raw['pollSeconds'] },
      }),
    };
    const migrated = migrateSettings({ pollSeconds: 90 }, migrations, 2);
    expect(migrated).toMatchObject({
      schemaVersion: 2,
      trail: ['0→1', '1→2'],
      polling: { intervalSeconds: 90 },
    });
  });

  it('a missing or wrong step is an error, not a silent skip', () => {
    expect(() => migrateSettings({ schemaVersion: 1 }, {}, 2)).toThrow(
      /No settings migration from version 1/,
    );
    expect(() => migrateSettings({}, { 0: (raw) => ({ ...raw, schemaVersion: 5 }) }, 2)).toThrow(
      /produced version 5/,
    );
  });

  it('settings from a newer version are refused and left untouched', () => {
    const newer = JSON.stringify({ schemaVersion: SETTINGS_VERSION + 1, notifications: false });
    writeFileSync(path.join(dir, 'settings.json'), newer);
    expect(() => openConfSettingsStore(dir, { defaults: defaults() })).toThrow(SettingsVersionError);
    expect(readFileSync(path.join(dir, 'settings.json'), 'utf8')).toBe(newer);
  });

  it('works over any conf-like backing (the app uses electron-store)', () => {
    const backing = { store: {} as Record<string, unknown> };
    const store = createSettingsStore(backing, { defaults: defaults() });
    store.update((s) => ({ ...s, notifications: false }));
    expect(backing.store['notifications']).toBe(false);
  });
});

describe('watching', () => {
  it('defaults to every 5 minutes, 30 days of catch-up, archiving when closed, not at login', () => {
    expect(defaults().watching).toEqual({
      intervalMinutes: 5,
      catchUpDays: 30,
      keepArchivingWhenClosed: true,
      startAtLogin: false,
    });
  });

  it('settings written before watching existed read with it on: the section and each account', () => {
    writeFileSync(
      path.join(dir, 'settings.json'),
      JSON.stringify({
        schemaVersion: 1,
        watching: { intervalMinutes: 15 },
        accounts: [{ id: 'a1', label: 'Studio', email: 'studio@example.com', tokenId: 't1' }],
        activeAccountId: 'a1',
      }),
    );
    const { store } = openConfSettingsStore(dir, { defaults: defaults() });
    expect(store.warnings).toEqual([]);
    expect(store.read().watching).toEqual({ ...defaults().watching, intervalMinutes: 15 });
    expect(store.read().accounts[0]?.watch).toBe(true);
  });

  it('refuses an interval outside 1–1440 minutes', () => {
    const { store } = openConfSettingsStore(dir, { defaults: defaults() });
    for (const intervalMinutes of [0, 1441, 2.5]) {
      expect(() => store.update((s) => ({ ...s, watching: { ...s.watching, intervalMinutes } }))).toThrow();
    }
    expect(
      store.update((s) => ({ ...s, watching: { ...s.watching, intervalMinutes: 1440 } })).watching
        .intervalMinutes,
    ).toBe(1440);
  });
});
