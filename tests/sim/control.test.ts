// The /__sim control endpoint: loopback only, not under /v1, drives the same state as the programmatic API.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, TOKENS, type RunningSimulator } from '../../src/sim';
import { isLoopback } from '../../src/sim/control';
import { getJson, getText, rawField } from './helpers';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function control(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${sim?.baseUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
}

describe('control endpoint', () => {
  it('adds tasks with exact string ids, and they serve as raw numbers', async () => {
    sim = await startSimulator({ scenario: 'empty' });
    const added = await control('POST', '/__sim/tasks', {
      id: '18446744073709551600',
      kind: 'txt2img',
      initialState: 'final',
    });
    expect(added.status).toBe(201);
    expect(added.json).toEqual({ id: '18446744073709551600' });
    const { text } = await getText(sim, '/v1/kling/tasks/18446744073709551600', TOKENS.empty);
    expect(rawField(text, 'id')).toBe('18446744073709551600');
    expect(sim.scenario.taskIds).toContain('18446744073709551600');
    const numeric = await control('POST', '/__sim/tasks', '{"id": 9007199254740993}');
    expect(numeric.status).toBe(400);
    expect(numeric.json.error).toMatch(/strings/);
    const bad = await control('POST', '/__sim/tasks', { kind: 'txt2song' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/kind/);
  });

  it('injects, lists and clears faults; advances tasks; reads and clears the request log', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    expect(
      (await control('POST', '/__sim/faults', { path: '/v1/kling/', kind: 'server-error', times: 2 })).status,
    ).toBe(201);
    expect((await control('GET', '/__sim/faults')).json.faults).toEqual([
      { path: '/v1/kling/', kind: 'server-error', times: 2, remaining: 2 },
    ]);
    expect((await getText(sim, '/v1/kling/accounts', TOKENS.basic)).status).toBe(500);
    expect((await control('DELETE', '/__sim/faults')).status).toBe(204);
    expect((await getText(sim, '/v1/kling/accounts', TOKENS.basic)).status).toBe(200);

    expect((await control('POST', '/__sim/tasks/1234567890123456789/advance', { steps: 2 })).status).toBe(
      200,
    );
    expect((await getJson(sim, '/v1/kling/tasks/1234567890123456789', TOKENS.basic)).json.status).toBe(99);

    const log = (await control('GET', '/__sim/requests')).json.requests;
    expect(log.map((r: { status: number }) => r.status)).toEqual([500, 200, 200]);
    expect(log[0]).toMatchObject({
      method: 'GET',
      path: '/v1/kling/accounts',
      authorization: true,
      fault: 'server-error',
    });
    // the token never appears in the log, nor do control calls
    expect(JSON.stringify(log)).not.toContain(TOKENS.basic);
    expect(JSON.stringify(log)).not.toContain('__sim');
    expect((await control('DELETE', '/__sim/requests')).status).toBe(204);
    expect(sim.requests()).toEqual([]);
    const info = await control('GET', '/__sim');
    expect(info.json.tokens).toEqual([{ token: TOKENS.basic, emails: ['creator@example.com'] }]);
  });

  it('refuses cross-origin callers and foreign Host headers, and only loopback peers count', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    expect(
      (await control('DELETE', '/__sim/faults', undefined, { Origin: 'http://evil.example' })).status,
    ).toBe(403);
    const foreignHost = await new Promise<number>((resolve, reject) => {
      const req = request(`${sim?.baseUrl}/__sim`, { headers: { Host: 'attacker.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(foreignHost).toBe(403);
    expect(['127.0.0.1', '::ffff:127.0.0.1', '::1', '127.5.0.1'].every(isLoopback)).toBe(true);
    expect(['10.0.0.2', '192.168.1.1', '::ffff:10.0.0.2', undefined].some(isLoopback)).toBe(false);
  });

  it('is not reachable under /v1 and needs no token; the API needs one', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    expect((await getText(sim, '/v1/kling/__sim/tasks')).status).toBe(401);
    expect((await getText(sim, '/v1/kling/__sim/tasks', TOKENS.basic)).status).toBe(404);
  });

  it('listens on 127.0.0.1 only, and close() ends open connections', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    // The socket itself, not the URL we print.
    expect(sim.address()).toEqual({ address: '127.0.0.1', family: 'IPv4', port: sim.port });
    expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    sim.injectFault({ path: '/v1/', kind: 'stall', stallMs: 60_000 });
    const pending = fetch(`${sim.baseUrl}/v1/kling/accounts`).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await sim.close();
    sim = undefined;
    expect(await pending).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
