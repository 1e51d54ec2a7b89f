// Giving up on a call (a search typed over): over HTTP the request itself is aborted, so the server
// sees the connection close; over IPC, which cannot take a request back, the answer is dropped.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, createIpcClient } from '../../../src/renderer/src/lib/api';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A loopback server that takes every request and never answers, telling when a client hangs up. */
async function silentServer() {
  const arrived: IncomingMessage[] = [];
  const closed: string[] = [];
  let onArrival = () => {};
  const server = createServer((req, res) => {
    arrived.push(req);
    onArrival();
    res.on('close', () => {
      if (!res.writableEnded) closed.push(req.url ?? '');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const nextArrival = () => new Promise<void>((resolve) => (onArrival = resolve));
  return { origin: `http://127.0.0.1:${port}`, arrived, closed, nextArrival };
}

describe('giving up on a call', () => {
  it('over HTTP aborts the request: it rejects with AbortError and the server sees the connection close', async () => {
    const server = await silentServer();
    const client = createHttpClient({ key: 'k', baseUrl: server.origin });
    const controller = new AbortController();
    const arrived = server.nextArrival();
    const answer = client.call(
      'library.gallery',
      { sort: 'newest', text: 'drag' },
      { signal: controller.signal },
    );
    await arrived;
    controller.abort();
    await expect(answer).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => server.closed).toEqual(['/api/library.gallery']);
  });

  it('over HTTP, an already aborted signal sends nothing', async () => {
    const server = await silentServer();
    const client = createHttpClient({ key: 'k', baseUrl: server.origin });
    const answer = client.call('app.info', {}, { signal: AbortSignal.abort() });
    await expect(answer).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.arrived).toHaveLength(0);
  });

  it('over IPC rejects at once with AbortError and drops the answer that comes later', async () => {
    let answer: ((value: unknown) => void) | undefined;
    const client = createIpcClient({
      invoke: () => new Promise((resolve) => (answer = resolve)),
      on: () => () => {},
    });
    const controller = new AbortController();
    const seen: unknown[] = [];
    const call = client.call('app.info', {}, { signal: controller.signal }).then(
      (value) => seen.push(value),
      (error: unknown) => seen.push(error),
    );
    controller.abort();
    await call;
    answer?.({ ok: true, value: { mode: 'desktop' } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ name: 'AbortError' });
  });
});
