// The headless server from a real browser (Chromium): the printed URL's key stays in the page (its
// fragment) and travels as a header, the browser's own Origin / Sec-Fetch-Site headers pass the
// checks, events arrive through a fetch stream, signed media seeks with Range — and nothing lands in
// the cookie jar, so another port on the same host receives nothing and a page there gets nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM_PATH, launchChromium } from '../e2e/support/browser';
import { skipWithoutChromium } from '../e2e/support/skip-without-chromium';
import { mediaUrlExpiry, signMediaPath } from '../../src/shared/media-signature';
import { startHarness } from './harness';

let h: Awaited<ReturnType<typeof startHarness>>;
let browser: Browser;

skipWithoutChromium();

beforeAll(async () => {
  if (!CHROMIUM_PATH) return;
  h = await startHarness();
  mkdirSync(path.join(h.libraryDir, 'a'), { recursive: true });
  writeFileSync(path.join(h.libraryDir, 'a', 'clip.mp4'), Buffer.alloc(5000, 7));
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

it('a browser opening the printed URL can call, listen and load media with the key in headers', async () => {
  const page = await browser.newPage();
  await page.goto(h.server.url);
  const expiry = mediaUrlExpiry(Date.now());
  const signed = `/media/a/clip.mp4?exp=${expiry}&sig=${signMediaPath(h.server.secret, 'a/clip.mp4', expiry)}`;
  const result = await page.evaluate(async (signedMedia) => {
    // The key comes from the fragment, which the browser never sent to the server.
    const key = /^#key=(.+)$/.exec(location.hash)?.[1] ?? '';
    const headers = { 'content-type': 'application/json', 'x-kling-archive-key': key };
    const controller = new AbortController();
    const stream = await fetch('/api/events', { headers, signal: controller.signal, credentials: 'omit' });
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    const event = (async () => {
      let text = '';
      while (!/event: settings\.changed\ndata: (.*)\n/.test(text)) text += (await reader.read()).value ?? '';
      return /event: settings\.changed\ndata: (.*)\n/.exec(text)![1];
    })();
    const post = (method: string, body: unknown) =>
      fetch(`/api/${method}`, { method: 'POST', headers, body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));
    const info = await post('app.info', {});
    const bad = await post('library.work', { workId: 'x' });
    await post('settings.update', { notifications: false });
    const payload = await event;
    controller.abort();
    const media = await fetch(signedMedia, { headers: { range: 'bytes=0-99' } });
    const unsigned = await fetch('/media/a/clip.mp4');
    return {
      info,
      bad,
      payload,
      mediaStatus: media.status,
      mediaLength: (await media.arrayBuffer()).byteLength,
      unsignedStatus: unsigned.status,
      cookie: document.cookie,
    };
  }, signed);
  expect(result.info).toMatchObject({ status: 200, body: { mode: 'headless' } });
  expect(result.bad).toEqual({
    status: 400,
    body: { error: { code: 'invalid_input', message: 'library.work: workId: expected a numeric id' } },
  });
  expect(result.payload).toBe('{}');
  expect(result.mediaStatus).toBe(206);
  expect(result.mediaLength).toBe(100);
  expect(result.unsignedStatus).toBe(401);
  expect(result.cookie).toBe('');
  // Nothing in the browser's cookie jar for another port to receive.
  expect(await page.context().cookies()).toEqual([]);
  await page.close();
}, 60_000);

it('another port on the same host receives no credential, and a page there cannot use the server', async () => {
  const page = await browser.newPage();
  await page.goto(h.server.url);
  const received: (string | undefined)[] = [];
  const evil = createServer((req, res) => {
    received.push(req.headers.cookie);
    res.end('<!doctype html><title>other</title>');
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  try {
    const port = (evil.address() as AddressInfo).port;
    await page.goto(`http://127.0.0.1:${port}/`);
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((cookie) => cookie === undefined)).toBe(true);
    const statuses = await page.evaluate(async (origin) => {
      // A "simple" request the browser sends without asking first.
      const post = await fetch(`${origin}/api/settings.update`, {
        method: 'POST',
        mode: 'no-cors',
        credentials: 'include',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ notifications: true }),
      }).then(
        (r) => r.type,
        () => 'blocked',
      );
      const read = await fetch(`${origin}/api/settings.get`, { method: 'POST', body: '{}' }).then(
        (r) => r.status,
        () => 'blocked',
      );
      return { post, read };
    }, h.server.origin);
    expect(['opaque', 'blocked']).toContain(statuses.post);
    expect(statuses.read).toBe('blocked');
    // The write did not happen: the first test turned notifications off and they stay off.
    expect((await h.call('settings.get', {})).body.notifications).toBe(false);
  } finally {
    await page.close();
    await new Promise((resolve) => evil.close(resolve));
  }
}, 60_000);
