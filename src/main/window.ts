// The main window: sandboxed, isolated, no Node, a strict CSP, no navigation or new windows, and the
// size and position it had last time (when that place is still on a screen).
import { BrowserWindow, nativeTheme, screen } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WindowState } from './settings-store';
import { rendererCsp } from '../shared/csp';
import { MEDIA_SCHEME } from '../shared/contract/names';

export const CSP = rendererCsp([`${MEDIA_SCHEME}:`]);

const rendererIndex = join(import.meta.dirname, '../renderer/index.html');
/** The dev server's URL under `electron-vite dev`, else the built page. */
export const RENDERER_URL = process.env['ELECTRON_RENDERER_URL'] ?? pathToFileURL(rendererIndex).href;

export function isOwnPage(url: string): boolean {
  if (process.env['ELECTRON_RENDERER_URL']) return url.startsWith(process.env['ELECTRON_RENDERER_URL']);
  return url.split('#')[0] === pathToFileURL(rendererIndex).href;
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

  void win.loadURL(RENDERER_URL);
  return win;
}
