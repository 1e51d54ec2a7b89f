// The Electron adapter's doors, with Electron's modules replaced by recorders (no binary here): the
// schemes are registered with the privileges that make media seek and give the page an origin; IPC
// answers only our own pages, forwards events to every window and starts drags synchronously; the
// media protocol serves library files with ranges, the app protocol the renderer, nothing else.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_DRAG_CHANNEL, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src/shared/contract/names';
import { createHeadlessApi } from '../../src/server/headless';

const handlers = new Map<string, (...args: unknown[]) => unknown>();
const listeners = new Map<string, (...args: unknown[]) => unknown>();
const sent: unknown[][] = [];
const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
const privileged: unknown[][] = [];
const icon = { empty: false, isEmpty: () => icon.empty };

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (...args: unknown[]) => unknown) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
    on: (channel: string, fn: (...args: unknown[]) => unknown) => listeners.set(channel, fn),
    removeListener: (channel: string) => listeners.delete(channel),
  },
  BrowserWindow: {
    getAllWindows: () => [
      { isDestroyed: () => false, webContents: { send: (...args: unknown[]) => sent.push(args) } },
    ],
  },
  nativeImage: {
    createFromBuffer: (buffer: Buffer) => ({ isEmpty: () => buffer.length === 0, resize: () => icon }),
    createEmpty: () => ({ isEmpty: () => true }),
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => privileged.push(schemes),
    handle: (scheme: string, fn: (request: Request) => Promise<Response>) => protocolHandlers.set(scheme, fn),
  },
}));

const OWN = 'app://kling-archive/index.html';
let dir: string;
let api: ReturnType<typeof createHeadlessApi>['api'];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kling-main-'));
  const library = path.join(dir, 'library');
  mkdirSync(path.join(library, 'acct'), { recursive: true });
  writeFileSync(
    path.join(library, 'acct', 'clip.mp4'),
    Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256)),
  );
  writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  symlinkSync(path.join(dir, 'secret.txt'), path.join(library, 'acct', 'out.txt'));
  ({ api } = createHeadlessApi({
    configDir: path.join(dir, 'config'),
    libraryFolder: library,
    env: {},
    version: '0.0.0-test',
  }));
  mkdirSync(path.join(dir, 'renderer', 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Kling Archive</title>');
  writeFileSync(path.join(dir, 'renderer', 'assets', 'app.js'), 'export {};');
  const { registerIpc } = await import('../../src/main/ipc');
  const { handleMediaProtocol } = await import('../../src/main/media-protocol');
  const { handleAppProtocol } = await import('../../src/main/app-protocol');
  const { registerPrivilegedSchemes } = await import('../../src/main/schemes');
  registerPrivilegedSchemes();
  registerIpc(api, { isOwnPage: (url) => url === OWN, dragIcon: icon as never });
  handleMediaProtocol(() => api.libraryFolder());
  handleAppProtocol(path.join(dir, 'renderer'), 'default-src test');
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const invoke = (url: string, method: unknown, input: unknown) =>
  handlers.get(IPC_INVOKE_CHANNEL)!({ senderFrame: { url }, sender: {} }, method, input);

describe('the privileged schemes', () => {
  it('are registered in one call: media streams and seeks, the app page gets a secure origin', () => {
    expect(privileged).toEqual([
      [
        { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
        {
          scheme: 'kling-media',
          privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
        },
      ],
    ]);
  });
});

describe('IPC', () => {
  it('dispatches calls from our own page through the contract', async () => {
    expect(await invoke(OWN, 'settings.get', {})).toMatchObject({
      ok: true,
      value: { libraryFolder: api.libraryFolder() },
    });
    expect(await invoke(OWN, 'library.work', { workId: 'x' })).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'library.work: workId: expected a numeric id' },
    });
    expect(await invoke(OWN, 42, {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('refuses calls from any other page', async () => {
    for (const url of ['https://evil.example/', 'file:///tmp/other.html', '']) {
      expect(await invoke(url, 'settings.get', {})).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
    }
  });

  it('forwards contract events to every window', async () => {
    await invoke(OWN, 'settings.update', { notifications: false });
    expect(sent).toContainEqual([IPC_EVENT_CHANNEL, 'settings.changed', {}]);
  });
});

describe('drag out', () => {
  const drag = (url: string, relativePath: unknown) => {
    const started: unknown[] = [];
    listeners.get(IPC_DRAG_CHANNEL)!(
      { senderFrame: { url }, sender: { startDrag: (item: unknown) => started.push(item) } },
      relativePath,
    );
    return started;
  };

  it('starts the OS drag synchronously, within the message, for a file inside the library', () => {
    expect(drag(OWN, 'acct/clip.mp4')).toEqual([
      { file: realpathSync(path.join(api.libraryFolder(), 'acct', 'clip.mp4')), icon },
    ]);
  });

  it('refuses other pages, paths outside the library, bad input and an empty icon', () => {
    expect(drag('https://evil.example/', 'acct/clip.mp4')).toEqual([]);
    expect(drag(OWN, 'acct/out.txt')).toEqual([]);
    expect(drag(OWN, '../secret.txt')).toEqual([]);
    expect(drag(OWN, 42)).toEqual([]);
    // The index and every other dot-folder stay in: by name or through a link.
    mkdirSync(path.join(api.libraryFolder(), '.kling-archive'), { recursive: true });
    writeFileSync(path.join(api.libraryFolder(), '.kling-archive', 'index.mp4'), 'x');
    symlinkSync(
      path.join(api.libraryFolder(), '.kling-archive'),
      path.join(api.libraryFolder(), 'acct', 'ix'),
    );
    expect(drag(OWN, '.kling-archive/index.mp4')).toEqual([]);
    expect(drag(OWN, 'acct/ix/index.mp4')).toEqual([]);
    icon.empty = true;
    try {
      expect(drag(OWN, 'acct/clip.mp4')).toEqual([]);
    } finally {
      icon.empty = false;
    }
  });
});

describe('the kling-media protocol', () => {
  const get = (url: string, headers: Record<string, string> = {}) =>
    protocolHandlers.get('kling-media')!(new Request(url, { headers }));

  it('serves library files, whole and by range', async () => {
    const whole = await get('kling-media://library/acct/clip.mp4');
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect((await whole.arrayBuffer()).byteLength).toBe(300);
    const part = await get('kling-media://library/acct/clip.mp4', { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/300');
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect((await get('kling-media://library/acct/clip.mp4', { range: 'bytes=400-' })).status).toBe(416);
  });

  it('serves nothing outside the library', async () => {
    expect((await get('kling-media://library/acct/out.txt')).status).toBe(403);
    expect((await get('kling-media://library/acct/%2e%2e%2f..%2fsecret.txt')).status).toBe(400);
    expect((await get('kling-media://library/acct%2f..%2f..%2fsecret.txt')).status).toBe(400);
    expect((await get('kling-media://elsewhere/acct/clip.mp4')).status).toBe(404);
  });

  it('follows the media rules: sandboxed answers, our content types, no active files, no dot-folders', async () => {
    const library = api.libraryFolder();
    writeFileSync(path.join(library, 'acct', 'evil.svg'), '<svg onload="alert(1)"/>');
    mkdirSync(path.join(library, '.kling-archive'), { recursive: true });
    writeFileSync(path.join(library, '.kling-archive', 'clip.mp4'), 'x');
    const ok = await get('kling-media://library/acct/clip.mp4');
    expect(ok.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/);
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    const svg = await get('kling-media://library/acct/evil.svg');
    expect(svg.status).toBe(403);
    expect(svg.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect((await get('kling-media://library/.kling-archive/clip.mp4')).status).toBe(404);
  });
});

describe('the app protocol', () => {
  const get = (url: string, method = 'GET') => protocolHandlers.get('app')!(new Request(url, { method }));

  it('serves the built renderer with its CSP', async () => {
    const index = await get('app://kling-archive/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('content-security-policy')).toBe('default-src test');
    expect(await index.text()).toContain('<title>Kling Archive</title>');
    const script = await get('app://kling-archive/assets/app.js');
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });

  it('serves nothing else: other hosts, paths outside the renderer, missing files, other methods', async () => {
    expect((await get('app://elsewhere/index.html')).status).toBe(404);
    expect((await get('app://kling-archive/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('app://kling-archive/assets%2f..%2f..%2fsecret.txt')).status).toBe(400);
    expect((await get('app://kling-archive/missing.js')).status).toBe(404);
    expect((await get('app://kling-archive/index.html', 'POST')).status).toBe(405);
  });
});
