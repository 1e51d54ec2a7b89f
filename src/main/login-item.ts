// "Start at login": the OS starts the app hidden (in the tray) when the user logs in, as the setting
// says, kept in step whenever the settings change.
import { app } from 'electron';
import type { Api } from '../core/api';
import type { SettingsStore } from '../core/settings';

export const HIDDEN_FLAG = '--hidden';

/** Started by the login item: no window until the user opens one from the tray. */
export function startedHidden(argv: readonly string[] = process.argv): boolean {
  return argv.includes(HIDDEN_FLAG);
}

export function syncLoginItem(api: Api, settings: SettingsStore): () => void {
  const apply = () => {
    const openAtLogin = settings.read().watching.startAtLogin;
    // Packaged builds only: a development run would register the bare Electron binary.
    if (!app.isPackaged) return;
    if (app.getLoginItemSettings().openAtLogin === openAtLogin) return;
    app.setLoginItemSettings({ openAtLogin, args: [HIDDEN_FLAG] });
  };
  apply();
  return api.events.subscribe((event) => {
    if (event.name === 'settings.changed') apply();
  });
}
