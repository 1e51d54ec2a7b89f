// Edge cases of the exchange itself, each produced exactly by a tiny local server: what headers go out,
// redirects, odd statuses, oversized or non-UTF-8 bodies, and the caller's AbortSignal mid-body.
import { afterEach, describe, expect, it } from 'vitest';
import { createUseapiClient, describeResult, maskToken, MAX_BODY_BYTES } from '../../../src/core/useapi';
import { sendJson, startLocalServer } from './local-server';
import type { LocalServer } from './local-server';

const TOKEN = 'user:4242-TransportToken';
let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(handler: Parameters<typeof startLocalServer>[0], timeoutMs = 5000) {
  server = await startLocalServer(handler);
  return createUseapiClient({
    baseUrl: `${server.baseUrl}/`,
    token: TOKEN,
    timeoutMs,
    userAgent: 'kling-archive-test',
  });
}

describe('the request', () => {
  it('sends the token only in the Authorization header, with Accept and User-Agent', async () => {
    const client = await clientFor((_req, res) => sendJson(res, 200, '{"history":[]}'));
    const result = await client.listTasks('me@example.com', {
      pageSize: 50,
      createdBefore: 1744858514499,
      contentType: 'video',
    });
    expect(result.kind).toBe('ok');
    const request = server!.requests[0]!;
    expect(request.method).toBe('GET');
    expect(request.url).toBe(
      '/v1/kling/tasks?email=me%40example.com&pageSize=50&createdBefore=1744858514499&contentType=video',
    );
    expect(request.url).not.toContain('TransportToken');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers.accept).toBe('application/json');
    expect(request.headers['user-agent']).toBe('kling-archive-test');
  });

  it('builds each path under /v1/kling', async () => {
    const client = await clientFor((_req, res) => sendJson(res, 404, '{"error":"x"}'));
    await client.getTask('5');
    await client.listAccounts();
    await client.getAccount('a.b+c@example.com');
    await client.listTasks('a@example.com', { createdAfter: 0 });
    await client.getDownloadUrl('a@example.com', ['1', '18446744073709551617'], 'PNG');
    expect(server!.requests.map((r) => r.url)).toEqual([
      '/v1/kling/tasks/5',
      '/v1/kling/accounts',
      '/v1/kling/accounts/a.b%2Bc%40example.com',
      '/v1/kling/tasks?email=a%40example.com&createdAfter=0',
      '/v1/kling/assets/download?email=a%40example.com&workIds=1%2C18446744073709551617&fileTypes=PNG',
    ]);
  });
});

describe('answers outside the happy path', () => {
  it('does not follow a redirect (it would carry the token elsewhere)', async () => {
    let hits = 0;
    const client = await clientFor((req, res) => {
      hits++;
      res.writeHead(302, { location: '/v1/kling/tasks/6' }).end();
    });
    const result = await client.getTask('5');
    expect(result).toMatchObject({ kind: 'unexpected_status', status: 302 });
    expect(hits).toBe(1);
    expect(describeResult(result)).toMatch(/unexpected HTTP status 302/);
  });

  it('maps other 4xx to bad_request with the server text, and 400 on getTask to invalid_id', async () => {
    const client = await clientFor((req, res) =>
      req.url?.startsWith('/v1/kling/tasks/')
        ? sendJson(res, 400, '{"error":"Invalid task_id parameter"}')
        : sendJson(res, 418, '{"error":"I am a teapot","code":418}'),
    );
    expect(await client.getTask('1')).toMatchObject({
      kind: 'invalid_id',
      status: 400,
      sent: true,
      message: 'Invalid task_id parameter',
    });
    const teapot = await client.listAccounts();
    expect(teapot).toMatchObject({ kind: 'bad_request', status: 418, message: 'I am a teapot' });
  });

  it('uses "HTTP <status>" when an error body has no error text', async () => {
    const client = await clientFor((_req, res) => {
      res
        .writeHead(503, { 'content-type': 'text/html', 'retry-after': '12' })
        .end('<html>Bad gateway</html>');
    });
    const result = await client.getTask('1');
    expect(result).toMatchObject({
      kind: 'server_error',
      status: 503,
      message: 'HTTP 503',
      retryAfterMs: 12_000,
    });
  });

  it('scrubs the token from error text the server echoes back', async () => {
    const client = await clientFor((_req, res) =>
      sendJson(res, 401, JSON.stringify({ error: `Bad token ${TOKEN}` })),
    );
    const result = await client.getTask('1');
    expect(result.kind).toBe('unauthorized');
    expect(JSON.stringify(result)).not.toContain('TransportToken');
    expect(result.kind === 'unauthorized' && result.message).toBe(`Bad token ${maskToken(TOKEN)}`);
  });

  it('refuses a body larger than the cap without buffering it', async () => {
    const client = await clientFor((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(MAX_BODY_BYTES + 1),
      });
      res.write('{"history":[');
    });
    const result = await client.listTasks('a@example.com');
    expect(result).toMatchObject({ kind: 'malformed', status: 200 });
    expect(result.kind === 'malformed' && result.problem).toMatch(/larger than/);
  });

  it('refuses a chunked body that grows past the cap', async () => {
    const client = await clientFor((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent <= MAX_BODY_BYTES + chunk.length) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
      // 32 MiB through loopback on a busy machine can outlast the usual 5 s: this test is about the cap.
    }, 60_000);
    const result = await client.listTasks('a@example.com');
    expect(result.kind === 'malformed' && result.problem).toMatch(/larger than/);
  });

  it('calls a body that is not UTF-8 malformed', async () => {
    const client = await clientFor((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]));
    });
    const result = await client.getTask('1');
    expect(result.kind === 'malformed' && result.problem).toMatch(/UTF-8/);
  });

  it('an empty 200 body is malformed, not ok', async () => {
    const client = await clientFor((_req, res) => res.writeHead(200).end());
    const result = await client.getTask('1');
    expect(result.kind === 'malformed' && result.problem).toMatch(/not JSON/);
  });

  it('the caller aborting mid-body gives aborted, not timeout or network_error', async () => {
    const client = await clientFor((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":'); // …and never finishes
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await client.getTask('1', undefined, { signal: controller.signal });
    expect(result).toMatchObject({ kind: 'aborted', status: 200 });
  });
});
