// The tray (Linux/Windows) or menu-bar (macOS) icon that keeps the app archiving with its window
// closed: the archiving status, Open, Pause archiving, Quit. Grouped OS notifications of new works
// ("5 new works archived for studio@…") follow the notifications setting.
import { Menu, Notification, Tray, nativeImage } from 'electron';
import type { Api } from '../core/api';
import { arrivalNoticeText, groupArrivals } from '../core/api/arrival-notices';
import type { EngineAdapter } from '../core/api/adapters/engine-adapter';
import type { SettingsStore } from '../core/settings';

export interface TrayOptions {
  icon: string;
  api: Api;
  engine: EngineAdapter;
  settings: SettingsStore;
  /** Shows the window, creating it when it was closed. */
  openWindow: () => void;
  quit: () => void;
}

/** With the setting on, closing the last window leaves the app running in the tray. */
export function keepRunningWhenClosed(settings: SettingsStore): boolean {
  return settings.read().watching.keepArchivingWhenClosed;
}

function statusLine(engine: EngineAdapter): string {
  const status = engine.watchStatus();
  if (status.paused) return 'Archiving paused';
  const watched = status.accounts.filter((account) => account.watching);
  if (watched.length === 0) return 'No account watched';
  const today = status.accounts.reduce((sum, account) => sum + account.arrivedToday, 0);
  const checking = watched.some((account) => account.checking);
  return `${checking ? 'Checking' : 'Watching'} ${watched.length} account${watched.length === 1 ? '' : 's'} · ${today} new today`;
}

export function installTray(options: TrayOptions): () => void {
  const tray = new Tray(nativeImage.createFromPath(options.icon).resize({ width: 16, height: 16 }));
  tray.setToolTip('Kling Archive');
  let pending: ReturnType<typeof setTimeout> | null = null;
  const rebuild = () => {
    pending = null;
    const paused = options.engine.watchStatus().paused;
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: statusLine(options.engine), enabled: false },
        { type: 'separator' },
        { label: 'Open Kling Archive', click: options.openWindow },
        {
          label: 'Pause archiving',
          type: 'checkbox',
          checked: paused,
          click: (item) => {
            options.engine.setWatchingPaused(item.checked);
            rebuild();
          },
        },
        { type: 'separator' },
        { label: 'Quit', click: options.quit },
      ]),
    );
  };
  // Status events come in bursts while a check runs: the menu is rebuilt at most once a second.
  const unsubscribe = options.api.events.subscribe((event) => {
    if (event.name === 'watch.status' && pending === null) pending = setTimeout(rebuild, 1_000);
  });
  tray.on('click', options.openWindow);
  rebuild();
  const stopNotices = groupArrivals(options.api.events, (email, count) => {
    if (!options.settings.read().notifications || !Notification.isSupported()) return;
    new Notification({ title: 'Kling Archive', body: arrivalNoticeText(email, count), silent: true }).show();
  });
  return () => {
    unsubscribe();
    stopNotices();
    if (pending) clearTimeout(pending);
    tray.destroy();
  };
}
