// Electron adapter: app lifecycle and composition. The handlers, settings, library and media rules
// all live in src/core; this file wires them to windows, IPC, the media protocol and the OS.
import type { BrowserWindow } from 'electron';
import { app, dialog, nativeTheme, session, shell, Notification } from 'electron';
import { join } from 'node:path';
import { createApi, createLogger } from '../core/api';
import type { Api } from '../core/api';
import type { SecretStore } from '../core/settings';
import { checkBetterSqlite3 } from '../core/native/better-sqlite3-check';
import { createEngineAdapter } from '../core/api/engine-adapter';
import type { EngineAdapter } from '../core/api/engine-adapter';
import { openLibraryPort, rebuildLibraryIndex } from '../core/api/library-adapter';
import { apiOrigin, createUseapiClient } from '../core/useapi';
import { handleMediaProtocol, registerMediaScheme } from './media-protocol';
import { registerIpc } from './ipc';
import { installMenu } from './menu';
import { notifyOnTaskEnd } from './notifications';
import { openAppSecrets } from './secrets';
import { openAppSettings, openWindowStateStore } from './settings-store';
import { createMainWindow, CSP, isOwnPage } from './window';

const ICON = join(import.meta.dirname, '../../resources/icon.png');
let mainWindow: BrowserWindow | null = null;
let api: Api | null = null;
let engine: EngineAdapter | null = null;

function hardenSessions(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
}

// Every web contents, now or later: no navigation away, no new windows, no <webview>.
app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

async function start(): Promise<void> {
  const native = checkBetterSqlite3('electron');
  if (!native.ok) {
    dialog.showErrorBox('Kling Archive cannot start', native.message);
    app.quit();
    return;
  }
  nativeTheme.themeSource = 'system';
  // The logger scrubs the known tokens, and the token store logs while opening: a late-bound holder.
  const held: { secrets?: SecretStore } = {};
  const secretValues = () => {
    const store = held.secrets;
    return (store?.list() ?? [])
      .map(({ tokenId }) => store?.get(tokenId))
      .filter((t): t is string => t !== undefined);
  };
  const log = createLogger((line) => process.stderr.write(line), secretValues);
  const settings = openAppSettings();
  const secrets = openAppSecrets(
    log,
    apiOrigin(settings.read().apiBase),
    () => settings.read().weakTokenStorage,
  );
  held.secrets = secrets;
  for (const warning of settings.warnings) log.warn(warning);

  engine = createEngineAdapter({ settings, secrets, log });
  api = createApi({
    mode: 'desktop',
    version: app.getVersion(),
    settings,
    secrets,
    openLibrary: openLibraryPort,
    rebuildLibrary: rebuildLibraryIndex,
    accountsClient: (options) => createUseapiClient(options),
    shell: {
      openInFolder: (file) => shell.showItemInFolder(file),
      notifications: Notification.isSupported(),
    },
    engine,
    log,
  });
  try {
    engine.start();
  } catch (error) {
    // Another process syncs this library (or it cannot open): browse it, say why nothing syncs.
    log.warn(`not syncing: ${error instanceof Error ? error.message : String(error)}`);
  }
  const current = api;
  hardenSessions();
  handleMediaProtocol(() => current.libraryFolder());
  registerIpc(current, { isOwnPage, dragIcon: ICON });
  notifyOnTaskEnd(current, settings);
  installMenu(() => current.libraryFolder());
  const windowState = openWindowStateStore();
  mainWindow = createMainWindow(windowState.read(), windowState.write);
  mainWindow.on('closed', () => (mainWindow = null));
}

registerMediaScheme();
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  void app.whenReady().then(start);
  app.on('activate', () => {
    if (!mainWindow && api) {
      const windowState = openWindowStateStore();
      mainWindow = createMainWindow(windowState.read(), windowState.write);
    }
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // The engine finishes its writes and frees the library lock before the process ends.
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    closed = true;
    void Promise.allSettled([engine?.close()])
      .then(() => api?.close())
      .finally(() => app.quit());
  });
}
