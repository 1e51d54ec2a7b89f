// The app keeps its settings with electron-store (in the OS's app-data folder), behind the same
// SettingsStore as headless mode: one schema, the same migrations and defaults. A store file that is
// not JSON is set aside with a notice (as in headless mode) instead of stopping the app.
import { join } from 'node:path';
import { app } from 'electron';
import ElectronStore from 'electron-store';
import { createSettingsStore, defaultSettings } from '../core/settings';
import type { SettingsStore } from '../core/settings';
import { setAsideNotice, setAsideUnreadableJson } from '../core/settings/set-aside';

/** Sets `<userData>/<name>.json` aside when it is not JSON; answers the notice, or null. */
export function setAsideUnreadableStore(name: string): string | null {
  const aside = setAsideUnreadableJson(join(app.getPath('userData'), `${name}.json`));
  return aside ? setAsideNotice(name, aside) : null;
}

export function openAppSettings(): SettingsStore {
  const notice = setAsideUnreadableStore('settings');
  const store = new ElectronStore<Record<string, unknown>>({ name: 'settings', configFileMode: 0o600 });
  const settings = createSettingsStore(store, {
    defaults: defaultSettings({ home: app.getPath('home'), apiBase: process.env['KLING_ARCHIVE_API_BASE'] }),
  });
  if (notice) (settings.warnings as string[]).push(notice);
  return settings;
}

/** Where and how big the window was, so it opens the same way next time. */
export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export function openWindowStateStore(warn: (notice: string) => void = () => {}): {
  read(): WindowState | undefined;
  write(state: WindowState): void;
} {
  const notice = setAsideUnreadableStore('window-state');
  if (notice) warn(notice);
  const store = new ElectronStore<{ window?: WindowState }>({ name: 'window-state' });
  return { read: () => store.get('window'), write: (state) => store.set('window', state) };
}
