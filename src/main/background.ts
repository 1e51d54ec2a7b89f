// Keeping the archive going in the background: the tray, the login item, and a check on every
// wake-up or reconnection (the watcher also catches up by itself when its timers fire late).
import { powerMonitor } from 'electron';
import { syncLoginItem } from './login-item';
import { installTray, type TrayOptions } from './tray';

/** Background running is the tray plus the login item and wake-ups: it needs what the tray needs. */
export type BackgroundOptions = TrayOptions;

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
