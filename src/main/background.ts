// Keeping the archive going in the background: the tray, the login item, and a check on every
// wake-up or reconnection (the watcher also catches up by itself when its timers fire late).
import { powerMonitor } from 'electron';
import type { Api } from '../core/api';
import type { EngineAdapter } from '../core/api/engine-adapter';
import type { SettingsStore } from '../core/settings';
import { syncLoginItem } from './login-item';
import { installTray } from './tray';

export interface BackgroundOptions {
  icon: string;
  api: Api;
  engine: EngineAdapter;
  settings: SettingsStore;
  openWindow: () => void;
  quit: () => void;
}

export function installBackground(options: BackgroundOptions): () => void {
  const stopTray = installTray(options);
  const stopLogin = syncLoginItem(options.api, options.settings);
  const wake = () => options.engine.wakeWatching();
  powerMonitor.on('resume', wake);
  powerMonitor.on('unlock-screen', wake);
  return () => {
    powerMonitor.off('resume', wake);
    powerMonitor.off('unlock-screen', wake);
    stopLogin();
    stopTray();
  };
}
