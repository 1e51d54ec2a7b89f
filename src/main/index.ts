// Electron adapter: app lifecycle and composition. The handlers, settings, library and media rules
// all live in src/core; this file wires them to windows, IPC, the protocols and the OS, one small
// step per function. Any failure while starting shows an error dialog and exits non-zero.
import type { BrowserWindow } from 'electron';
import { app, dialog, nativeTheme, session, shell, Notification } from 'electron';
import { join } from 'node:path';
import { createApi, createLogger } from '../core/api';
import type { Api, Logger } from '../core/api';
import type { SecretStore, SettingsStore } from '../core/settings';
import { createEngineAdapter } from '../core/api/adapters/engine-adapter';
import type { EngineAdapter } from '../core/api/adapters/engine-adapter';
import { checkLibraryOnStart, createLibraryHandle } from '../core/api/adapters/library-adapter';
import { apiOrigin, createUseapiClient } from '../core/useapi';
import { builtRendererDir, handleAppProtocol } from './app-protocol';
import { handleMediaProtocol } from './media-protocol';
import { loadDragIcon, registerIpc } from './ipc';
import { installMenu } from './menu';
import { installBackground } from './background';
import { startedHidden } from './login-item';
import { keepRunningWhenClosed } from './tray';
import { useElectronSqlite } from './native';
import { notifyOnTaskEnd } from './notifications';
import { installPermissionHandlers } from './permissions';
import { registerPrivilegedSchemes } from './schemes';
import { openAppSecrets } from './secrets';
import { openAppSettings, openWindowStateStore } from './settings-store';
import { createMainWindow, CSP, isOwnPage } from './window';

const ICON = join(import.meta.dirname, '../../resources/icon.png');
let mainWindow: BrowserWindow | null = null;
let api: Api | null = null;
let engine: EngineAdapter | null = null;
/** Closing the last window quits, unless the settings keep the app archiving in the tray. */
let quitWhenClosed = () => true;

class StartupError extends Error {}

function hardenSessions(): void {
  installPermissionHandlers(session.defaultSession, (url) => isOwnPage(url));
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

/** The logger, which scrubs the known tokens; the token store logs while opening, so it is late-bound. */
function createAppLogger(held: { secrets?: SecretStore }): Logger {
  const secretValues = () => {
    const store = held.secrets;
    return (store?.list() ?? [])
      .map(({ tokenId }) => store?.get(tokenId))
      .filter((t): t is string => t !== undefined);
  };
  return createLogger((line) => process.stderr.write(line), secretValues);
}

/** One library for the process, shared by the handlers and the sync engine. */
function composeApi(settings: SettingsStore, secrets: SecretStore, log: Logger): Api {
  const library = createLibraryHandle({ folder: () => settings.read().libraryFolder });
  engine = createEngineAdapter({ settings, secrets, library, log });
  return createApi({
    mode: 'desktop',
    version: app.getVersion(),
    settings,
    secrets,
    library,
    accountsClient: (options) => createUseapiClient(options),
    shell: {
      openInFolder: (file) => shell.showItemInFolder(file),
      notifications: Notification.isSupported(),
    },
    engine,
    log,
  });
}

function startEngine(log: Logger): void {
  try {
    engine?.start();
  } catch (error) {
    // Another process syncs this library (or it cannot open): browse it, say why nothing syncs.
    log.warn(`not syncing: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Shows the window, making it again when it was closed (tray, second launch, dock). */
function showWindow(): void {
  if (!mainWindow) {
    if (api) openMainWindow(api.log);
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function openMainWindow(log: Logger): void {
  const windowState = openWindowStateStore((notice) => log.warn(notice));
  mainWindow = createMainWindow(windowState.read(), windowState.write);
  mainWindow.on('closed', () => (mainWindow = null));
}

async function start(): Promise<void> {
  const native = useElectronSqlite();
  if (!native.ok) throw new StartupError(native.message);
  nativeTheme.themeSource = 'system';
  const held: { secrets?: SecretStore } = {};
  const log = createAppLogger(held);
  const settings = openAppSettings();
  const secrets = openAppSecrets(log, {
    origin: apiOrigin(settings.read().apiBase),
    weakStorage: () => settings.read().weakTokenStorage,
    launchToken: process.env['USEAPI_TOKEN']?.trim() || undefined,
  });
  held.secrets = secrets;
  for (const warning of settings.warnings) log.warn(warning);

  const current = composeApi(settings, secrets, log);
  api = current;
  // A damaged index is healed (and said so) before anything opens it.
  const healed = await checkLibraryOnStart(settings.read().libraryFolder, log);
  if (healed) current.addNotice(healed);
  startEngine(log);
  hardenSessions();
  handleAppProtocol(builtRendererDir(), CSP);
  handleMediaProtocol(() => current.libraryFolder());
  const dragIcon = loadDragIcon(ICON);
  if (dragIcon.isEmpty()) log.warn(`the drag icon ${ICON} could not be read: dragging files out is off`);
  registerIpc(current, { isOwnPage: (url) => isOwnPage(url), dragIcon });
  notifyOnTaskEnd(current, settings);
  installMenu(() => current.libraryFolder());
  if (engine) {
    installBackground({
      icon: ICON,
      api: current,
      engine,
      settings,
      openWindow: showWindow,
      quit: () => app.quit(),
    });
    quitWhenClosed = () => !keepRunningWhenClosed(settings);
  }
  if (!startedHidden()) openMainWindow(log);
}

/** A failed start says why in a dialog and ends the process with a non-zero code (never hangs). */
function failStartup(error: unknown): void {
  const message =
    error instanceof StartupError
      ? error.message
      : `Kling Archive could not start: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${message}\n`);
  dialog.showErrorBox('Kling Archive cannot start', message);
  app.exit(1);
}

function installLifecycle(): void {
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' && quitWhenClosed()) app.quit();
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

registerPrivilegedSchemes();
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  installLifecycle();
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => failStartup(error));
}
