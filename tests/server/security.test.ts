// The headless server refuses what it must: requests without the launch secret, foreign Host and
// Origin headers (DNS rebinding, other sites), and any media path that leads outside the library.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_URL_MAX_LIFETIME_MS, mediaUrlExpiry, signMediaPath } from '../../src/shared/media-signature';
import { startHarness } from './harness';

let h: Awaited<ReturnType<typeof startHarness>>;
let key: Record<string, string>;
const VIDEO = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));

beforeAll(async () => {
  h = await startHarness({ seed: false });
  key = { 'x-kling-archive-key': h.server.secret };
  mkdirSync(path.join(h.libraryDir, 'acct', 'task 1'), { recursive: true });
  writeFileSync(path.join(h.libraryDir, 'acct', 'task 1', 'video.mp4'), VIDEO);
  writeFileSync(path.join(h.dir, 'secret.txt'), 'outside the library');
  symlinkSync(path.join(h.dir, 'secret.txt'), path.join(h.libraryDir, 'acct', 'escape.txt'));
  symlinkSync(path.join(h.dir, 'config'), path.join(h.libraryDir, 'acct', 'escape-dir'));
  symlinkSync(
    path.join(h.libraryDir, 'acct', 'task 1', 'video.mp4'),
    path.join(h.libraryDir, 'acct', 'inside.mp4'),
  );
});
afterAll(() => h.close());

describe('the launch secret', () => {
  it('is required for the contract, the events and media', async () => {
    for (const p of ['/api/events', '/media/acct/task%201/video.mp4']) {
      expect((await h.raw({ path: p })).status, p).toBe(401);
    }
    const post = await h.raw({
      path: '/api/app.info',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(post.status).toBe(401);
    expect(post.body.toString()).not.toContain(h.server.secret);
  });

  it('the renderer is public code: served without the key, and it holds no key', async () => {
    for (const p of ['/', '/assets/app.js', '/gallery/123']) {
      const res = await h.raw({ path: p });
      expect(res.status, p).toBe(200);
      expect(res.body.toString(), p).not.toContain(h.server.secret);
    }
  });

  it('a wrong secret is refused, in any carrier', async () => {
    const api = (headers: Record<string, string>, query = '') =>
      h.raw({
        path: `/api/app.info${query}`,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
    expect((await api({}, '?key=nope')).status).toBe(401);
    expect((await api({ authorization: 'Bearer nope' })).status).toBe(401);
    expect((await api({ 'x-kling-archive-key': `${h.server.secret}x` })).status).toBe(401);
    expect((await api({ 'x-kling-archive-key': '' })).status).toBe(401);
  });

  it('never travels in a cookie: none is set, and a replayed cookie or query key gets 401', async () => {
    // The printed URL carries the key in its fragment, which browsers never send.
    expect(h.server.url).toBe(`${h.server.origin}/#key=${h.server.secret}`);
    const answers = [
      await h.raw({ path: '/' }),
      await h.raw({ path: `/?key=${h.server.secret}` }),
      await h.raw({ path: '/media/acct/task%201/video.mp4', headers: key }),
      await h.raw({
        path: '/api/app.info',
        method: 'POST',
        headers: { ...key, 'content-type': 'application/json' },
        body: '{}',
      }),
    ];
    for (const answer of answers) expect(answer.headers['set-cookie']).toBeUndefined();
    // What another port's server would have captured under the old scheme, replayed without the key.
    const cookie = [
      `kling_archive_key_${h.server.port}=${h.server.secret}`,
      `kling_archive_key=${h.server.secret}`,
      `key=${h.server.secret}`,
    ].join('; ');
    const api = await h.raw({
      path: '/api/settings.get',
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(api.status).toBe(401);
    expect((await h.raw({ path: '/api/events', headers: { cookie } })).status).toBe(401);
    expect((await h.raw({ path: '/media/acct/task%201/video.mp4', headers: { cookie } })).status).toBe(401);
    const query = `?key=${h.server.secret}`;
    expect((await h.raw({ path: `/media/acct/task%201/video.mp4${query}` })).status).toBe(401);
    expect((await h.raw({ path: `/api/events${query}` })).status).toBe(401);
  });

  it('is made fresh at each launch', async () => {
    const other = await startHarness({ seed: false });
    try {
      expect(other.server.secret).not.toBe(h.server.secret);
      expect(other.server.secret.length).toBeGreaterThanOrEqual(32);
      expect(other.server.url).toBe(`http://127.0.0.1:${other.server.port}/#key=${other.server.secret}`);
      expect((await other.raw({ path: '/api/events', headers: key })).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('signed media URLs', () => {
  const PATH = 'acct/task%201/video.mp4';
  const signed = (path: string, expiry: number, signKey = h.server.secret) =>
    `/media/${path}?exp=${expiry}&sig=${signMediaPath(signKey, path, expiry)}`;

  it('open the one file they were signed for, until they expire', async () => {
    const expiry = mediaUrlExpiry(Date.now());
    const res = await h.raw({ path: signed(PATH, expiry), headers: { range: 'bytes=0-9' } });
    expect(res.status).toBe(206);
    expect(Buffer.compare(res.body, VIDEO.subarray(0, 10))).toBe(0);
    // Bound to the path: the same signature on another path is refused.
    const other = signed(PATH, expiry).replace('video.mp4', 'other.mp4');
    expect((await h.raw({ path: other })).status).toBe(401);
    writeFileSync(path.join(h.libraryDir, 'acct', 'other.mp4'), VIDEO);
    expect((await h.raw({ path: other })).status).toBe(401);
    // Signed with another key, expired, too far ahead, altered, or missing: refused.
    const past = Math.floor(Date.now() / 1000) - 1;
    const far = Math.floor((Date.now() + MEDIA_URL_MAX_LIFETIME_MS) / 1000) + 60;
    for (const p of [
      signed(PATH, expiry, 'another-launch-key'),
      signed(PATH, past),
      signed(PATH, far),
      // One character of the signature changed (never to itself: a signature may start with A).
      signed(PATH, expiry).replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`),
      signed(PATH, expiry).replace(`exp=${expiry}`, `exp=${expiry + 1}`),
      `/media/${PATH}?exp=${expiry}`,
    ]) {
      expect((await h.raw({ path: p })).status, p).toBe(401);
    }
  });

  it('expire with the clock the server runs on', async () => {
    let clock = Date.now();
    const timed = await startHarness({ seed: false, now: () => clock });
    try {
      mkdirSync(path.join(timed.libraryDir, 'a'), { recursive: true });
      writeFileSync(path.join(timed.libraryDir, 'a', 'v.mp4'), VIDEO);
      const expiry = mediaUrlExpiry(clock);
      const url = `/media/a/v.mp4?exp=${expiry}&sig=${signMediaPath(timed.server.secret, 'a/v.mp4', expiry)}`;
      expect((await timed.raw({ path: url })).status).toBe(200);
      clock = expiry * 1000 - 1;
      expect((await timed.raw({ path: url })).status).toBe(200);
      clock = expiry * 1000;
      expect((await timed.raw({ path: url })).status).toBe(401);
    } finally {
      await timed.close();
    }
  });
});

describe('Host and Origin', () => {
  it('refuses a foreign Host (DNS rebinding) even with the secret', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${h.server.port}`,
      `127.0.0.1:${h.server.port + 1}`,
      '127.0.0.1',
    ]) {
      const res = await h.raw({
        path: '/api/app.info',
        method: 'POST',
        headers: { ...key, host, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status, host).toBe(421);
    }
    const ok = await h.raw({ path: '/', headers: { ...key, host: `localhost:${h.server.port}` } });
    expect(ok.status).toBe(200);
  });

  it('refuses a foreign Origin and cross-site fetches even with the secret', async () => {
    for (const origin of [
      'http://evil.example',
      `http://127.0.0.1:${h.server.port + 1}`,
      'null',
      `https://127.0.0.1:${h.server.port}`,
    ]) {
      const res = await h.raw({
        path: '/api/app.info',
        method: 'POST',
        headers: { ...key, origin, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status, origin).toBe(403);
    }
    const site = await h.raw({
      path: '/media/acct/task%201/video.mp4',
      headers: { ...key, 'sec-fetch-site': 'same-site' },
    });
    expect(site.status).toBe(403);
    const same = await h.raw({
      path: '/api/app.info',
      method: 'POST',
      headers: {
        ...key,
        origin: h.server.origin,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(same.status).toBe(200);
  });

  it('listens on 127.0.0.1 only: the socket itself, not the URL we print', () => {
    expect(h.server.address()).toEqual({ address: '127.0.0.1', family: 'IPv4', port: h.server.port });
    expect(h.server.origin).toBe(`http://127.0.0.1:${h.server.port}`);
  });
});

describe('media', () => {
  it('serves a library file, whole and by range', async () => {
    const whole = await h.raw({ path: '/media/acct/task%201/video.mp4', headers: key });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(Buffer.compare(whole.body, VIDEO)).toBe(0);
    const part = await h.raw({
      path: '/media/acct/task%201/video.mp4',
      headers: { ...key, range: 'bytes=100-199' },
    });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 100-199/1000');
    expect(Buffer.compare(part.body, VIDEO.subarray(100, 200))).toBe(0);
    const tail = await h.raw({
      path: '/media/acct/task%201/video.mp4',
      headers: { ...key, range: 'bytes=-10' },
    });
    expect(Buffer.compare(tail.body, VIDEO.subarray(990))).toBe(0);
    const open = await h.raw({
      path: '/media/acct/task%201/video.mp4',
      headers: { ...key, range: 'bytes=995-' },
    });
    expect(open.body.length).toBe(5);
    const beyond = await h.raw({
      path: '/media/acct/task%201/video.mp4',
      headers: { ...key, range: 'bytes=1000-' },
    });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe('bytes */1000');
    const head = await h.raw({ path: '/media/acct/task%201/video.mp4', method: 'HEAD', headers: key });
    expect(head.headers['content-length']).toBe('1000');
    expect(head.body.length).toBe(0);
    const inside = await h.raw({ path: '/media/acct/inside.mp4', headers: key });
    expect(inside.status).toBe(200);
  });

  it('never serves a path outside the library', async () => {
    const attempts: [string, number][] = [
      ['/media/../secret.txt', 400],
      ['/media/acct/../../secret.txt', 400],
      ['/media/%2e%2e/secret.txt', 400],
      ['/media/acct/%2E%2E/%2E%2E/secret.txt', 400],
      ['/media/..%2fsecret.txt', 400],
      ['/media/acct%2f..%2f..%2fsecret.txt', 400],
      ['/media/%2e%2e%5csecret.txt', 400],
      ['/media/%252e%252e/secret.txt', 404],
      ['/media//etc/passwd', 400],
      ['/media/%2fetc%2fpasswd', 400],
      [`/media/${encodeURIComponent(path.join(h.dir, 'secret.txt'))}`, 400],
      ['/media/acct/video.mp4%00.txt', 400],
      ['/media/%zz', 400],
      ['/media/acct/escape.txt', 403],
      ['/media/acct/escape-dir/settings.json', 403],
      ['/media/acct/missing.mp4', 404],
      ['/media/acct', 404],
    ];
    for (const [p, status] of attempts) {
      const res = await h.raw({ path: p, headers: key });
      expect(res.status, p).toBe(status);
      expect(res.body.toString(), p).not.toContain('outside the library');
    }
  });

  it('every answer is sandboxed data: CSP sandbox, nosniff, a content type from our list', async () => {
    for (const headers of [key, { ...key, range: 'bytes=0-9' }]) {
      const res = await h.raw({ path: '/media/acct/task%201/video.mp4', headers });
      expect(res.headers['content-security-policy']).toBe(
        "sandbox; default-src 'none'; media-src 'self'; img-src 'self'",
      );
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-type']).toBe('video/mp4');
    }
    const refused = await h.raw({ path: '/media/acct/missing.mp4', headers: key });
    expect(refused.headers['content-security-policy']).toMatch(/^sandbox; default-src 'none'/);
  });

  it('an .svg or .html in the library is not served, not even through a media-named link', async () => {
    writeFileSync(path.join(h.libraryDir, 'acct', 'evil.svg'), '<svg onload="alert(1)"/>');
    writeFileSync(path.join(h.libraryDir, 'acct', 'evil.html'), '<script>alert(1)</script>');
    writeFileSync(path.join(h.libraryDir, 'acct', 'task.json'), '{}');
    symlinkSync(
      path.join(h.libraryDir, 'acct', 'evil.svg'),
      path.join(h.libraryDir, 'acct', 'disguised.png'),
    );
    for (const p of ['evil.svg', 'evil.html', 'task.json', 'disguised.png', 'EVIL.SVG']) {
      const res = await h.raw({ path: `/media/acct/${p}`, headers: key });
      expect([403, 404], p).toContain(res.status);
      expect(res.headers['content-type'], p).toBe('text/plain; charset=utf-8');
      expect(res.body.toString(), p).not.toContain('<s');
    }
  });

  it('never serves the index or any other dot-folder', async () => {
    mkdirSync(path.join(h.libraryDir, '.kling-archive'), { recursive: true });
    writeFileSync(path.join(h.libraryDir, '.kling-archive', 'copy.mp4'), VIDEO);
    mkdirSync(path.join(h.libraryDir, 'acct', '.hidden'), { recursive: true });
    writeFileSync(path.join(h.libraryDir, 'acct', '.hidden', 'clip.mp4'), VIDEO);
    symlinkSync(path.join(h.libraryDir, '.kling-archive'), path.join(h.libraryDir, 'acct', 'index-link'));
    for (const p of [
      '.kling-archive/copy.mp4',
      '%2Ekling-archive/copy.mp4',
      'acct/.hidden/clip.mp4',
      'acct/index-link/copy.mp4',
    ]) {
      const res = await h.raw({ path: `/media/${p}`, headers: key });
      expect([403, 404], p).toContain(res.status);
      expect(res.body.length, p).toBeLessThan(200);
    }
  });

  it('the renderer route cannot reach outside its folder either', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await h.raw({ path: p, headers: key });
      expect(res.body.toString(), p).not.toContain('outside the library');
    }
  });
});

describe('bad input from a client answers 400, logged sparingly', () => {
  const post = (method: string, body: unknown) =>
    h.raw({
      path: `/api/${method}`,
      method: 'POST',
      headers: { ...key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('a damaged page cursor: 400 with what to do, one log line however often it comes', async () => {
    const before = h.logs.length;
    for (const cursor of ['garbage', Buffer.from('{"s":"other","k":[1]}').toString('base64url'), 'eyJ']) {
      for (const method of ['library.gallery', 'tasks.list']) {
        const res = await post(method, { account: 'all', cursor });
        expect(res.status, `${method} ${cursor}`).toBe(400);
        expect(JSON.parse(res.body.toString()).error.message).toMatch(/start again from the first page/);
      }
    }
    expect(h.logs.slice(before).filter((line) => /cursor/.test(line)).length).toBeLessThanOrEqual(1);
    expect(h.logs.slice(before).join('')).not.toMatch(/ error /);
  });

  it('a bad percent-encoding in a path: 400, not 500', async () => {
    expect((await post('%zz', {})).status).toBe(400);
    expect((await h.raw({ path: '/media/%zz', headers: key })).status).toBe(400);
  });

  it('no redirect leads to another site', async () => {
    for (const p of [`//evil.example/?key=${h.server.secret}`, `/\\evil.example/?key=x`, '//evil.example/']) {
      const res = await h.raw({ path: p });
      expect(res.headers.location, p).toBeUndefined();
      expect([200, 400, 404], p).toContain(res.status);
    }
  });
});
