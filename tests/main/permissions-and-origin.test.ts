// The window's permissions and its idea of "our own page", with Electron's modules replaced by
// recorders: exactly clipboard-sanitized-write and fullscreen are granted, only to our own page; the
// dev server's URL counts only when running from sources, and is compared as an origin, not a prefix.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type * as WindowModuleType from '../../src/main/window';

type WindowModule = typeof WindowModuleType;

const electron = vi.hoisted(() => ({ isPackaged: false }));
vi.mock('electron', () => ({
  app: {
    get isPackaged() {
      return electron.isPackaged;
    },
  },
  BrowserWindow: class {},
  nativeTheme: {},
  screen: {},
  protocol: {},
}));

type RequestHandler = (
  wc: { getURL(): string },
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl?: string },
) => void;
type CheckHandler = (
  wc: null,
  permission: string,
  origin: string,
  details: { requestingUrl?: string },
) => boolean;

let request: RequestHandler;
let check: CheckHandler;
let window: WindowModule;

beforeAll(async () => {
  window = await import('../../src/main/window');
  const { installPermissionHandlers } = await import('../../src/main/permissions');
  installPermissionHandlers(
    {
      setPermissionRequestHandler: (fn: RequestHandler) => (request = fn),
      setPermissionCheckHandler: (fn: CheckHandler) => (check = fn),
    } as never,
    (url) => window.isOwnPage(url, {}, false),
  );
});

const OWN = 'app://kling-archive/index.html#/gallery';
const asked = (permission: string, requestingUrl: string) => {
  let granted: boolean | undefined;
  request({ getURL: () => requestingUrl }, permission, (g) => (granted = g), { requestingUrl });
  return granted;
};

describe('permissions', () => {
  it('grants clipboard-sanitized-write and fullscreen to our own page', () => {
    expect(asked('clipboard-sanitized-write', OWN)).toBe(true);
    expect(asked('fullscreen', OWN)).toBe(true);
    expect(check(null, 'clipboard-sanitized-write', 'app://kling-archive', {})).toBe(true);
    expect(check(null, 'fullscreen', 'app://kling-archive', { requestingUrl: OWN })).toBe(true);
  });

  it('refuses every other permission, and both of those to any other page', () => {
    for (const permission of [
      'clipboard-read',
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'unknown',
    ])
      expect([
        permission,
        asked(permission, OWN),
        check(null, permission, 'app://kling-archive', {}),
      ]).toEqual([permission, false, false]);
    for (const url of [
      'https://evil.example/',
      'file:///app/out/renderer/index.html',
      'app://other/index.html',
    ])
      expect([url, asked('fullscreen', url), asked('clipboard-sanitized-write', url)]).toEqual([
        url,
        false,
        false,
      ]);
    expect(check(null, 'fullscreen', 'https://evil.example', {})).toBe(false);
  });
});

describe('our own page', () => {
  it('is the app:// origin, whatever the path or hash', () => {
    expect(window.rendererUrl({}, false)).toBe('app://kling-archive/index.html');
    expect(window.isOwnPage('app://kling-archive/index.html#/work/1', {}, false)).toBe(true);
    expect(window.isOwnPage('app://kling-archive.evil/index.html', {}, false)).toBe(false);
    expect(window.isOwnPage('file:///anything/index.html', {}, false)).toBe(false);
    expect(window.isOwnPage('not a url', {}, false)).toBe(false);
  });

  it('is the dev server only from sources, compared as an origin, not a prefix', () => {
    const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173' };
    expect(window.rendererUrl(env, false)).toBe('http://localhost:5173');
    expect(window.isOwnPage('http://localhost:5173/#/gallery', env, false)).toBe(true);
    // A prefix match would accept these.
    expect(window.isOwnPage('http://localhost:51730/', env, false)).toBe(false);
    expect(window.isOwnPage('http://localhost:5173.evil.example/', env, false)).toBe(false);
    expect(window.isOwnPage('app://kling-archive/index.html', env, false)).toBe(false);
    // Packaged: the variable is ignored, the page is always the built one.
    expect(window.rendererUrl(env, true)).toBe('app://kling-archive/index.html');
    expect(window.isOwnPage('http://localhost:5173/', env, true)).toBe(false);
    expect(window.isOwnPage('app://kling-archive/index.html', env, true)).toBe(true);
    // Not an http(s) page: ignored.
    expect(window.rendererUrl({ ELECTRON_RENDERER_URL: 'file:///tmp/x.html' }, false)).toBe(
      'app://kling-archive/index.html',
    );
  });

  it('follows app.isPackaged by default', () => {
    const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173' };
    electron.isPackaged = true;
    try {
      expect(window.rendererUrl(env)).toBe('app://kling-archive/index.html');
    } finally {
      electron.isPackaged = false;
    }
    expect(window.rendererUrl(env)).toBe('http://localhost:5173');
  });
});
