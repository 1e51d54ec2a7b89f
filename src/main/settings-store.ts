// The app keeps its settings with electron-store (in the OS's app-data folder), behind the same
// SettingsStore as headless mode: one schema, the same migrations and defaults.
import { app } from 'electron';
import ElectronStore from 'electron-store';
import { createSettingsStore, defaultSettings } from '../core/settings';
import type { SettingsStore } from '../core/settings';

export function openAppSettings(): SettingsStore {
  const store = new ElectronStore<Record<string, unknown>>({ name: 'settings', configFileMode: 0o600 });
  return createSettingsStore(store, {
    defaults: defaultSettings({ home: app.getPath('home'), apiBase: process.env['KLING_ARCHIVE_API_BASE'] }),
  });
}

/** Where and how big the window was, so it opens the same way next time. */
export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export function openWindowStateStore(): { read(): WindowState | undefined; write(state: WindowState): void } {
  const store = new ElectronStore<{ window?: WindowState }>({ name: 'window-state' });
  return { read: () => store.get('window'), write: (state) => store.set('window', state) };
}
