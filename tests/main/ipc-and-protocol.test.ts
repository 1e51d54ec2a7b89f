// The Electron adapter's two doors, with Electron's modules replaced by recorders (no binary here):
// IPC answers only our own pages and forwards events to every window; the media protocol serves
// library files with ranges and nothing outside the library.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src/shared/contract/names';
import { createHeadlessApi } from '../../src/server/headless';

const handlers = new Map<string, (...args: unknown[]) => unknown>();
const sent: unknown[][] = [];
let protocolHandler: ((request: Request) => Promise<Response>) | undefined;

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (...args: unknown[]) => unknown) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
  BrowserWindow: {
    getAllWindows: () => [
      { isDestroyed: () => false, webContents: { send: (...args: unknown[]) => sent.push(args) } },
    ],
  },
  nativeImage: { createFromPath: () => ({}) },
  protocol: {
    registerSchemesAsPrivileged: () => {},
    handle: (_scheme: string, fn: (request: Request) => Promise<Response>) => (protocolHandler = fn),
  },
}));

const OWN = 'file:///app/out/renderer/index.html';
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
  const { registerIpc } = await import('../../src/main/ipc');
  const { handleMediaProtocol } = await import('../../src/main/media-protocol');
  registerIpc(api, { isOwnPage: (url) => url === OWN, dragIcon: '/nowhere.png' });
  handleMediaProtocol(() => api.libraryFolder());
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const invoke = (url: string, method: unknown, input: unknown) =>
  handlers.get(IPC_INVOKE_CHANNEL)!({ senderFrame: { url }, sender: {} }, method, input);

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

describe('the kling-media protocol', () => {
  const get = (url: string, headers: Record<string, string> = {}) =>
    protocolHandler!(new Request(url, { headers }));

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
    // Nor can a dot-folder be dragged out of the window.
    const dragged: unknown[] = [];
    const drag = (relativePath: string) =>
      handlers.get(IPC_INVOKE_CHANNEL)!(
        { senderFrame: { url: OWN }, sender: { startDrag: (item: unknown) => dragged.push(item) } },
        'library.startDrag',
        { relativePath },
      );
    expect(await drag('.kling-archive/clip.mp4')).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('hidden files and folders') },
    });
    expect(dragged).toEqual([]);
    expect(await drag('acct/clip.mp4')).toEqual({ ok: true, value: { ok: true } });
    expect(dragged).toHaveLength(1);
  });
});
