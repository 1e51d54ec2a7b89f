// Headless mode keeps its settings with `conf` (electron-store's base library, plain Node).
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import { setAsideNotice, setAsideUnreadableJson } from './set-aside';
import { createSettingsStore } from './store';
import type { SettingsStore, SettingsStoreOptions } from './store';

export const SETTINGS_FILE_NAME = 'settings';

/**
 * Opens `<configDir>/settings.json`. A file that is not JSON at all is set aside as
 * `settings.broken-<time>.json` (never deleted) and the app starts from defaults.
 */
export function openConfSettingsStore(
  configDir: string,
  options: SettingsStoreOptions,
): { store: SettingsStore; setAside: string | null } {
  const file = path.join(configDir, `${SETTINGS_FILE_NAME}.json`);
  // The folder also holds tokens.json: the owner's only, and so is every file in it.
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') {
    chmodSync(configDir, 0o700);
    if (existsSync(file)) chmodSync(file, 0o600);
  }
  const setAside = setAsideUnreadableJson(file);
  const conf = new Conf<Record<string, unknown>>({
    cwd: configDir,
    configName: SETTINGS_FILE_NAME,
    projectName: 'kling-archive',
    projectSuffix: '',
    configFileMode: 0o600,
  });
  const store = createSettingsStore(conf, options);
  if (setAside) (store.warnings as string[]).push(setAsideNotice('settings', setAside));
  return { store, setAside };
}
