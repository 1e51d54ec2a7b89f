// The headless server from a real browser (Chromium): the printed URL's key becomes a cookie, the
// browser's own Origin / Sec-Fetch-Site headers pass the checks, events arrive through EventSource,
// and media seeks with Range — and a page on another origin gets nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM_PATH, launchChromium } from '../e2e/support/browser';
import { skipWithoutChromium } from '../e2e/support/skip-without-chromium';
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

it('a browser opening the printed URL can call, listen and load media', async () => {
  const page = await browser.newPage();
  await page.goto(h.server.url);
  expect(page.url()).toBe(`${h.server.origin}/`);
  const result = await page.evaluate(async () => {
    const source = new EventSource('/api/events');
    const event = new Promise<string>((resolve) =>
      source.addEventListener('settings.changed', (e) => resolve((e as MessageEvent).data)),
    );
    await new Promise((resolve) => source.addEventListener('open', resolve));
    const post = (method: string, body: unknown) =>
      fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const info = await post('app.info', {});
    const bad = await post('library.work', { workId: 'x' });
    await post('settings.update', { notifications: false });
    const payload = await event;
    source.close();
    const media = await fetch('/media/a/clip.mp4', { headers: { range: 'bytes=0-99' } });
    return {
      info,
      bad,
      payload,
      mediaStatus: media.status,
      mediaLength: (await media.arrayBuffer()).byteLength,
      cookie: document.cookie,
    };
  });
  expect(result.info).toMatchObject({ status: 200, body: { mode: 'headless' } });
  expect(result.bad).toEqual({
    status: 400,
    body: { error: { code: 'invalid_input', message: 'library.work: workId: expected a numeric id' } },
  });
  expect(result.payload).toBe('{}');
  expect(result.mediaStatus).toBe(206);
  expect(result.mediaLength).toBe(100);
  // HttpOnly: the page's scripts cannot read the key.
  expect(result.cookie).toBe('');
  await page.close();
}, 60_000);

it('a page from another origin cannot use the server, even in the same browser', async () => {
  const page = await browser.newPage();
  await page.goto(h.server.url); // the browser now holds the cookie
  const evil = createServer((_req, res) => res.end('<!doctype html><title>other</title>'));
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  try {
    const port = (evil.address() as AddressInfo).port;
    await page.goto(`http://127.0.0.1:${port}/`);
    const statuses = await page.evaluate(async (origin) => {
      // A "simple" request the browser sends without asking first, cookie included (same site).
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
