// The downloader against a real HTTP server on 127.0.0.1 and real files in a temp folder.
import { createHash, randomBytes } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DownloadError,
  checkDownloadUrl,
  downloadFile,
  partPath,
  partStatePath,
} from '../../../../src/core/sync/download';

function canMountTmpfs(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  return spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=4k tmpfs /mnt']).status === 0;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const BODY = randomBytes(300_000);
const BODY_SHA = createHash('sha256').update(BODY).digest('hex');
let server: http.Server;
let base: string;
let handler: Handler;
let seen: IncomingMessage[];
let dir: string;

/** Serves BODY with ETag and honours `Range: bytes=N-` like a CDN does. */
function serveBody(options: { etag?: string; ignoreRange?: boolean; body?: Buffer } = {}): Handler {
  const body = options.body ?? BODY;
  return (req, res) => {
    const etag = options.etag ?? '"v1"';
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    if (range && !options.ignoreRange && (!ifRange || ifRange === etag)) {
      const start = Number(range[1]);
      res.writeHead(206, {
        etag,
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
      });
      res.end(body.subarray(start));
      return;
    }
    res.writeHead(200, { etag, 'content-length': body.length });
    res.end(body);
  };
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(async () => {
  seen = [];
  handler = serveBody();
  dir = await mkdtemp(path.join(tmpdir(), 'ka-dl-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectDownloadError(promise: Promise<unknown>, code: string): Promise<DownloadError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DownloadError);
  expect((error as DownloadError).code).toBe(code);
  return error as DownloadError;
}

const seedPart = (destination: string, bytes: number, etag = '"v1"') => {
  writeFileSync(partPath(destination), BODY.subarray(0, bytes));
  writeFileSync(
    partStatePath(destination),
    JSON.stringify({ etag, lastModified: null, totalBytes: BODY.length }),
  );
};

describe('downloadFile', () => {
  it('streams a file to its final name with the right hash and leaves no .part behind', async () => {
    const destination = path.join(dir, 'a', 'b', 'video.mp4');
    const progress: number[] = [];
    const result = await downloadFile({
      url: `${base}/v.mp4`,
      destination,
      onProgress: (p) => progress.push(p.bytesDone),
      progressIntervalMs: 0,
    });
    expect(result).toEqual({ destination, bytes: BODY.length, sha256: BODY_SHA, resumedFrom: 0 });
    expect(readFileSync(destination).equals(BODY)).toBe(true);
    expect(readdirSync(path.dirname(destination))).toEqual(['video.mp4']);
    expect(progress.at(-1)).toBe(BODY.length);
    expect(seen[0]?.headers.range).toBeUndefined();
  });

  it('resumes a .part with a Range request and ends byte-exact', async () => {
    const destination = path.join(dir, 'v.mp4');
    seedPart(destination, 123_457);
    const result = await downloadFile({ url: `${base}/v.mp4`, destination });
    expect(seen[0]?.headers.range).toBe('bytes=123457-');
    expect(seen[0]?.headers['if-range']).toBe('"v1"');
    expect(result.resumedFrom).toBe(123_457);
    expect(result.sha256).toBe(BODY_SHA);
    expect(readFileSync(destination).equals(BODY)).toBe(true);
    expect(existsSync(partPath(destination)) || existsSync(partStatePath(destination))).toBe(false);
  });

  it('starts over when the server ignores Range and answers 200', async () => {
    handler = serveBody({ ignoreRange: true });
    const destination = path.join(dir, 'v.mp4');
    // A .part whose bytes are wrong: resuming onto it would corrupt the file.
    writeFileSync(partPath(destination), Buffer.alloc(5000, 7));
    writeFileSync(
      partStatePath(destination),
      JSON.stringify({ etag: '"v1"', lastModified: null, totalBytes: BODY.length }),
    );
    const result = await downloadFile({ url: `${base}/v.mp4`, destination });
    expect(seen[0]?.headers.range).toBe('bytes=5000-');
    expect(result.resumedFrom).toBe(0);
    expect(readFileSync(destination).equals(BODY)).toBe(true);
  });

  it('starts over when the ETag changed even though the server answered 206', async () => {
    // This server ignores If-Range: only the ETag comparison can catch the change.
    const other = randomBytes(200_000);
    handler = (req, res) => {
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (range) {
        const start = Number(range[1]);
        res.writeHead(206, {
          etag: '"v2"',
          'content-range': `bytes ${start}-${other.length - 1}/${other.length}`,
        });
        res.end(other.subarray(start));
      } else {
        res.writeHead(200, { etag: '"v2"', 'content-length': other.length });
        res.end(other);
      }
    };
    const destination = path.join(dir, 'v.mp4');
    seedPart(destination, 1000, '"v1"');
    const result = await downloadFile({ url: `${base}/v.mp4`, destination });
    expect(seen).toHaveLength(2);
    expect(seen[1]?.headers.range).toBeUndefined();
    expect(result.resumedFrom).toBe(0);
    expect(readFileSync(destination).equals(other)).toBe(true);
  });

  it('starts over when the 206 covers another range than the one asked', async () => {
    handler = (req, res) => {
      if (req.headers.range) {
        res.writeHead(206, { etag: '"v1"', 'content-range': `bytes 0-${BODY.length - 1}/${BODY.length}` });
        res.end(BODY);
      } else serveBody()(req, res);
    };
    const destination = path.join(dir, 'v.mp4');
    seedPart(destination, 1000);
    await downloadFile({ url: `${base}/v.mp4`, destination });
    expect(readFileSync(destination).equals(BODY)).toBe(true);
  });

  it('keeps the .part after a truncated body and finishes it on the next call', async () => {
    handler = (req, res) => {
      if (seen.length === 1) {
        res.writeHead(200, { etag: '"v1"', 'content-length': BODY.length });
        // Give the client time to read the first bytes before the connection dies.
        res.write(BODY.subarray(0, 100_000), () => setTimeout(() => res.destroy(), 150));
      } else serveBody()(req, res);
    };
    const destination = path.join(dir, 'v.mp4');
    const failure = await expectDownloadError(downloadFile({ url: `${base}/v.mp4`, destination }), 'network');
    expect(failure.retryable).toBe(true);
    expect(existsSync(destination)).toBe(false);
    expect(existsSync(partPath(destination))).toBe(true);
    const result = await downloadFile({ url: `${base}/v.mp4`, destination });
    expect(seen[1]?.headers.range).toMatch(/^bytes=\d+-$/);
    expect(result.resumedFrom).toBeGreaterThan(0);
    expect(result.sha256).toBe(BODY_SHA);
    expect(readFileSync(destination).equals(BODY)).toBe(true);
  });

  it('refuses hostile URLs and writes nothing', async () => {
    const destination = path.join(dir, 'v.mp4');
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/plain,hello',
      'ftp://127.0.0.1/x',
      'http://example.com/v.mp4',
      'http://10.0.0.1/v.mp4',
      'https://user:pass@example.com/v.mp4',
      'https://exa\nmple.com/v.mp4',
      '',
      `https://example.com/${'a'.repeat(10_000)}`,
    ]) {
      await expectDownloadError(downloadFile({ url, destination }), 'unsafe_url');
    }
    expect(readdirSync(dir)).toEqual([]);
    expect(seen).toHaveLength(0);
  });

  it('allows https anywhere and http only on loopback', () => {
    expect(checkDownloadUrl('https://cdn.example.com/a.mp4').hostname).toBe('cdn.example.com');
    expect(checkDownloadUrl('http://127.0.0.2:9/a').port).toBe('9');
    expect(checkDownloadUrl('http://localhost/a').hostname).toBe('localhost');
    expect(checkDownloadUrl('http://[::1]:8080/a').hostname).toBe('[::1]');
    expect(() => checkDownloadUrl('http://127.0.0.1.example.com/a')).toThrow(DownloadError);
  });

  it('re-checks every redirect hop and limits their number', async () => {
    handler = (req, res) => {
      if (req.url === '/to-file') res.writeHead(302, { location: 'file:///etc/passwd' }).end();
      else if (req.url === '/to-remote-http') res.writeHead(301, { location: 'http://example.com/x' }).end();
      else if (req.url === '/loop') res.writeHead(302, { location: '/loop' }).end();
      else if (req.url === '/ok') res.writeHead(307, { location: '/final' }).end();
      else serveBody()(req, res);
    };
    const destination = path.join(dir, 'v.mp4');
    await expectDownloadError(downloadFile({ url: `${base}/to-file`, destination }), 'unsafe_url');
    await expectDownloadError(downloadFile({ url: `${base}/to-remote-http`, destination }), 'unsafe_url');
    await expectDownloadError(
      downloadFile({ url: `${base}/loop`, destination, maxRedirects: 3 }),
      'too_many_redirects',
    );
    expect(existsSync(destination)).toBe(false);
    await downloadFile({ url: `${base}/ok`, destination });
    expect(readFileSync(destination).equals(BODY)).toBe(true);
  });

  it('refuses files over the maximum size, announced or not, and removes the .part', async () => {
    const destination = path.join(dir, 'v.mp4');
    await expectDownloadError(
      downloadFile({ url: `${base}/v.mp4`, destination, maxBytes: 1000 }),
      'too_large',
    );
    handler = (_req, res) => {
      res.writeHead(200); // chunked, no length
      res.end(BODY);
    };
    await expectDownloadError(
      downloadFile({ url: `${base}/v.mp4`, destination, maxBytes: 1000 }),
      'too_large',
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports HTTP errors with their status; 4xx are not retryable, 5xx are', async () => {
    const destination = path.join(dir, 'v.mp4');
    handler = (_req, res) => res.writeHead(404).end('gone');
    expect(
      (await expectDownloadError(downloadFile({ url: `${base}/v`, destination }), 'http_status')).retryable,
    ).toBe(false);
    handler = (_req, res) => res.writeHead(503).end('busy');
    const busy = await expectDownloadError(downloadFile({ url: `${base}/v`, destination }), 'http_status');
    expect(busy.status).toBe(503);
    expect(busy.retryable).toBe(true);
  });

  it('stops on abort, keeping the .part for a resume', async () => {
    const controller = new AbortController();
    handler = (_req, res) => {
      res.writeHead(200, { etag: '"v1"', 'content-length': BODY.length });
      res.write(BODY.subarray(0, 50_000), () => setTimeout(() => controller.abort(), 50));
    };
    const destination = path.join(dir, 'v.mp4');
    await expectDownloadError(
      downloadFile({ url: `${base}/v`, destination, signal: controller.signal }),
      'aborted',
    );
    expect(existsSync(partPath(destination))).toBe(true);
    expect(existsSync(destination)).toBe(false);
  });

  it('gives up on a stalled server', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': BODY.length });
      res.write(BODY.subarray(0, 10));
    };
    const destination = path.join(dir, 'v.mp4');
    await expectDownloadError(downloadFile({ url: `${base}/v`, destination, idleTimeoutMs: 200 }), 'stalled');
  });

  // A real full disk: a 64 KiB tmpfs mounted in a private mount namespace of a child process
  // (needs root and unshare; the machine's own mounts are untouched).
  it.skipIf(!canMountTmpfs())(
    'turns a full disk into a clear error and removes the partial file',
    async () => {
      const mountPoint = path.join(dir, 'tiny');
      mkdirSync(mountPoint);
      const fixture = fileURLToPath(new URL('./fixtures/download-into.ts', import.meta.url));
      const tsx = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));
      const script = `mount -t tmpfs -o size=64k tmpfs "$1" && exec "$2" "$3" "$4" "$5"`;
      const child = spawn('unshare', [
        '-m',
        'sh',
        '-c',
        script,
        'sh',
        mountPoint,
        tsx,
        fixture,
        `${base}/v.mp4`,
        path.join(mountPoint, 'v.mp4'),
      ]);
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      await new Promise((resolve) => child.once('close', resolve));
      const outcome = JSON.parse(stdout) as { ok: boolean; code: string; message: string; entries: string[] };
      expect(outcome).toMatchObject({ ok: false, code: 'disk_full', entries: [] });
      expect(outcome.message).toMatch(/disk is full/);
    },
  );
});

describe('library files are data, never code', () => {
  it('refuses an .svg or .html destination before fetching a byte, with the reason', async () => {
    for (const name of ['drawing.svg', 'page.html', 'page.HTM', 'noext']) {
      const destination = path.join(dir, name);
      const failure = await expectDownloadError(
        downloadFile({ url: `${base}/${name}`, destination }),
        'unsupported_type',
      );
      expect(failure.message).toMatch(/not media the archive keeps \(only mp4, mov, webm, jpg/);
      expect(failure.retryable).toBe(false);
      expect(existsSync(destination)).toBe(false);
    }
    expect(seen).toHaveLength(0);
  });

  it('refuses a body the server labels as a document or script, whatever the name says', async () => {
    for (const type of ['text/html; charset=utf-8', 'image/svg+xml', 'application/xhtml+xml']) {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': type, 'content-length': 5 });
        res.end('<svg>');
      };
      const destination = path.join(dir, 'looks-like.png');
      const failure = await expectDownloadError(
        downloadFile({ url: `${base}/x.png`, destination }),
        'unsupported_type',
      );
      expect(failure.message).toContain(type.split(';')[0]);
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('keeps every listed media type', async () => {
    handler = serveBody({ body: Buffer.from('media') });
    for (const ext of ['mp4', 'mov', 'webm', 'jpg', 'jpeg', 'png', 'webp', 'GIF']) {
      const destination = path.join(dir, `f.${ext}`);
      await downloadFile({ url: `${base}/f`, destination });
      expect(readFileSync(destination, 'utf8')).toBe('media');
    }
  });
});
