// The main window: sandboxed, isolated, no Node, a strict CSP, no navigation or new windows, and the
// size and position it had last time (when that place is still on a screen).
import { app, BrowserWindow, nativeTheme, screen } from 'electron';
import { join } from 'node:path';
import type { WindowState } from './settings-store';
import { APP_INDEX_URL, APP_ORIGIN } from './app-protocol';
import { rendererCsp } from '../shared/csp';
import { MEDIA_SCHEME } from '../shared/contract/names';

export const CSP = rendererCsp([`${MEDIA_SCHEME}:`]);

/**
 * `scheme://host[:port]` of a URL, or null. Written out rather than URL.origin, which is "null" for
 * schemes Node does not know (app:).
 */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : null;
  } catch {
    return null;
  }
}

/**
 * The dev server's origin under `electron-vite dev` (ELECTRON_RENDERER_URL), only when running from
 * sources: a packaged app ignores it, so no environment variable can point it at another page.
 */
export function devServerOrigin(
  env: NodeJS.ProcessEnv = process.env,
  packaged = app.isPackaged,
): string | null {
  const url = env['ELECTRON_RENDERER_URL'];
  if (packaged || !url) return null;
  const origin = originOf(url);
  return origin?.startsWith('http://') || origin?.startsWith('https://') ? origin : null;
}

/** The page the window loads: the dev server's, else the built renderer over app://. */
export function rendererUrl(env: NodeJS.ProcessEnv = process.env, packaged = app.isPackaged): string {
  return devServerOrigin(env, packaged) ? env['ELECTRON_RENDERER_URL']! : APP_INDEX_URL;
}

/** Whether a URL belongs to our own page: the same origin, compared whole (never as a prefix). */
export function isOwnPage(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  packaged = app.isPackaged,
): boolean {
  const origin = originOf(url);
  return origin !== null && origin === (devServerOrigin(env, packaged) ?? APP_ORIGIN);
}

function visible(state: WindowState): boolean {
  if (state.x === undefined || state.y === undefined) return true;
  const { x, y, width, height } = state;
  return screen
    .getAllDisplays()
    .some(
      ({ workArea: a }) => x < a.x + a.width && x + width > a.x && y < a.y + a.height && y + height > a.y,
    );
}

export function createMainWindow(
  saved: WindowState | undefined,
  save: (state: WindowState) => void,
): BrowserWindow {
  const state = saved && visible(saved) ? saved : { width: 1280, height: 820, maximized: false };
  const win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Kling Archive',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#16171a' : '#ffffff',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      // Middle-click would otherwise try to open links in new windows (electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  let timer: NodeJS.Timeout | undefined;
  const remember = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (win.isDestroyed()) return;
      const bounds = win.getNormalBounds();
      save({ ...bounds, maximized: win.isMaximized() });
    }, 400);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const)
    win.on(event as 'resize', remember);
  win.on('close', () => {
    clearTimeout(timer);
    save({ ...win.getNormalBounds(), maximized: win.isMaximized() });
  });

  void win.loadURL(rendererUrl());
  return win;
}
