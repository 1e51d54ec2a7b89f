// The renderer's HTTP client against a real headless server on loopback: the key travels as a
// header on calls and on the event stream (fetch, not EventSource), media URLs are signed, and
// nothing is left for a cookie jar.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractCallError, createHttpClient } from '../../../src/renderer/src/lib/api';
import { parseEventBlocks } from '../../../src/renderer/src/lib/event-stream';
import { takeLaunchKey } from '../../../src/renderer/src/lib/launch-key';
import { startHarness } from '../../server/harness';

let h: Awaited<ReturnType<typeof startHarness>>;
const seen: { url: string; headers: Headers; credentials: RequestCredentials | undefined }[] = [];
const recordingFetch: typeof fetch = (input, init) => {
  seen.push({
    url: String(input),
    headers: new Headers(init?.headers),
    credentials: init?.credentials,
  });
  return fetch(input, init);
};

beforeAll(async () => {
  h = await startHarness({ seed: false });
  mkdirSync(path.join(h.libraryDir, 'a', 'task 1'), { recursive: true });
  writeFileSync(path.join(h.libraryDir, 'a', 'task 1', 'v.mp4'), Buffer.alloc(500, 3));
});
afterAll(() => h.close());

describe('the HTTP client', () => {
  it('calls, listens and loads media with the key in headers and signed URLs only', async () => {
    const client = createHttpClient({
      key: h.server.secret,
      baseUrl: h.server.origin,
      fetch: recordingFetch,
    });
    const changed = new Promise<unknown>((resolve) => {
      const off = client.on('settings.changed', (payload) => {
        off();
        resolve(payload);
      });
    });
    expect(await client.call('app.info', {})).toMatchObject({ mode: 'headless' });
    // Changes until one is heard: the first may come before the stream is connected.
    let heard: unknown;
    void changed.then((payload) => (heard = payload));
    await expect
      .poll(async () => {
        await client.call('settings.update', { notifications: false });
        return heard;
      })
      .toEqual({});
    expect(seen.some((r) => r.url.endsWith('/api/events'))).toBe(true);
    for (const request of seen) {
      expect(request.headers.get('x-kling-archive-key'), request.url).toBe(h.server.secret);
      expect(request.credentials, request.url).toBe('omit');
      expect(request.url, request.url).not.toContain(h.server.secret);
    }

    const url = client.mediaUrl('a/task 1/v.mp4');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\/a\/task%201\/v\.mp4\?exp=\d+&sig=[\w-]{43}$/);
    expect(url).not.toContain(h.server.secret);
    expect(client.mediaUrl('a/task 1/v.mp4')).toBe(url);
    const media = await fetch(url, { headers: { range: 'bytes=0-9' } });
    expect(media.status).toBe(206);
    expect(media.headers.get('set-cookie')).toBeNull();
  });

  it('without the key, says what to do', async () => {
    const client = createHttpClient({ key: '', baseUrl: h.server.origin });
    const error = await client.call('app.info', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractCallError);
    expect((error as Error).message).toMatch(/open the URL that `kling-archive serve` printed/);
  });
});

describe('the launch key on the page', () => {
  function place(hash: string, stored: string | null = null) {
    const storage = new Map<string, string>(stored ? [['kling-archive.key', stored]] : []);
    const replaced: string[] = [];
    return {
      storage,
      replaced,
      place: {
        location: { hash, pathname: '/', search: '' },
        history: {
          state: null,
          replaceState: (_s: unknown, _t: string, url?: string | URL | null) => replaced.push(String(url)),
        },
        storage: {
          getItem: (k: string) => storage.get(k) ?? null,
          setItem: (k: string, v: string) => storage.set(k, v),
        },
      },
    };
  }

  it('moves the key from the fragment into this tab’s storage and out of the address', () => {
    const p = place('#key=abc_DEF-123');
    expect(takeLaunchKey(p.place)).toBe('abc_DEF-123');
    expect(p.storage.get('kling-archive.key')).toBe('abc_DEF-123');
    expect(p.replaced).toEqual(['/']);
  });

  it('uses the stored key on reload, and leaves a route alone', () => {
    const p = place('#/settings', 'stored');
    expect(takeLaunchKey(p.place)).toBe('stored');
    expect(p.replaced).toEqual([]);
    expect(takeLaunchKey(place('').place)).toBeNull();
  });
});

describe('parseEventBlocks', () => {
  it('reads named events, multi-line data, comments and retry; keeps the unfinished rest', () => {
    const events: [string, string][] = [];
    let retry = 0;
    const rest = parseEventBlocks(
      'retry: 2000\n: connected\n\nevent: a\ndata: {"x":1}\n\nevent: b\r\ndata: 1\r\ndata: 2\r\n\r\nevent: c\ndata: par',
      (name, data) => events.push([name, data]),
      (ms) => (retry = ms),
    );
    expect(events).toEqual([
      ['a', '{"x":1}'],
      ['b', '1\n2'],
    ]);
    expect(retry).toBe(2000);
    expect(rest).toBe('event: c\ndata: par');
  });
});
