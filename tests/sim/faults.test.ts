// Every fault kind, each spoiling N matching requests and then letting them succeed.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, TOKENS, type RunningSimulator } from '../../src/sim';
import { getText, rawRequest } from './helpers';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const task = '/v1/kling/tasks/123456789';
const clip = '/media/demo/123456790/portrait-a.mp4';
const auth = { Authorization: `Bearer ${TOKENS.basic}` };

describe('faults', () => {
  it('rate-limit: 429 with Retry-After N times, without counting a poll, then success', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    const id = sim.addTask({});
    sim.injectFault({ path: '/v1/kling/tasks/', kind: 'rate-limit', times: 2, retryAfterSeconds: 7 });
    for (let i = 0; i < 2; i++) {
      const answer = await getText(sim, `/v1/kling/tasks/${id}`, TOKENS.basic);
      expect(answer.status).toBe(429);
      expect(answer.headers.get('retry-after')).toBe('7');
    }
    const ok = await getText(sim, `/v1/kling/tasks/${id}`, TOKENS.basic);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).status).toBe(5); // the spoiled polls did not advance the task
    expect(sim.requests().map((r) => r.fault)).toEqual(['rate-limit', 'rate-limit', null]);
  });

  it('server-error: 500 JSON, 502/503 HTML, then success', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    sim.injectFault({ path: task, kind: 'server-error' });
    sim.injectFault({ path: task, kind: 'server-error', status: 502 });
    sim.injectFault({ path: task, kind: 'server-error', status: 503 });
    const first = await getText(sim, task, TOKENS.basic);
    expect(first.status).toBe(500);
    expect(JSON.parse(first.text).error).toBeTruthy();
    const second = await getText(sim, task, TOKENS.basic);
    expect(second.status).toBe(502);
    expect(second.headers.get('content-type')).toMatch(/text\/html/);
    expect((await getText(sim, task, TOKENS.basic)).status).toBe(503);
    expect((await getText(sim, task, TOKENS.basic)).status).toBe(200);
  });

  it('malformed-json: a 200 whose body does not parse, then a good one', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    sim.injectFault({ path: '/v1/kling/tasks$', kind: 'malformed-json' });
    // /tasks/{id} is not matched by the anchored pattern
    expect((await getText(sim, task, TOKENS.basic)).status).toBe(200);
    const broken = await getText(sim, '/v1/kling/tasks', TOKENS.basic);
    expect(broken.status).toBe(200);
    expect(() => JSON.parse(broken.text)).toThrow();
    const good = await getText(sim, '/v1/kling/tasks', TOKENS.basic);
    expect(JSON.parse(good.text).history.length).toBeGreaterThan(0);
  });

  it('reset-mid-body: the socket dies after afterBytes of a media body; the retry gets it all', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    const whole = await rawRequest(sim, clip);
    sim.injectFault({ path: '/media/', kind: 'reset-mid-body', afterBytes: 5000 });
    const cut = await rawRequest(sim, clip).catch((error: Error) => ({
      error,
      body: Buffer.alloc(0),
      status: 0,
    }));
    expect(cut.error).toBeDefined();
    expect(cut.body.length).toBeLessThan(whole.body.length);
    const retry = await rawRequest(sim, clip);
    expect(retry.error).toBeUndefined();
    expect(retry.body.equals(whole.body)).toBe(true);
  });

  it('reset-mid-body on a JSON answer makes fetch fail', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    sim.injectFault({ path: '/v1/kling/', kind: 'reset-mid-body' });
    await expect(fetch(`${sim.baseUrl}${task}`, { headers: auth }).then((r) => r.text())).rejects.toThrow();
    expect((await getText(sim, task, TOKENS.basic)).status).toBe(200);
  });

  it('truncate-body: Content-Length promises more than arrives, then the connection ends', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    sim.injectFault({ path: clip, kind: 'truncate-body', afterBytes: 1234 });
    const answer = await rawRequest(sim, clip);
    expect(answer.status).toBe(200);
    expect(Number(answer.headers['content-length'])).toBeGreaterThan(1234);
    expect(answer.body.length).toBe(1234);
    expect(answer.error).toBeDefined();
    const again = await rawRequest(sim, clip);
    expect(again.body.length).toBe(Number(again.headers['content-length']));
  });

  it('stall: headers late by stallMs (a short client timeout gives up), or body paused after afterBytes', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    sim.injectFault({ path: task, kind: 'stall', stallMs: 5_000 });
    await expect(rawRequest(sim, task, { headers: auth, timeoutMs: 200 })).rejects.toThrow(/client timeout/);
    sim.injectFault({ path: task, kind: 'stall', stallMs: 300 });
    const started = Date.now();
    const late = await rawRequest(sim, task, { headers: auth });
    expect(late.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    sim.injectFault({ path: clip, kind: 'stall', stallMs: 300, afterBytes: 100 });
    const began = Date.now();
    const paused = await rawRequest(sim, clip);
    expect(Date.now() - began).toBeGreaterThanOrEqual(250);
    expect(paused.body.length).toBe(Number(paused.headers['content-length']));
  });

  it('ignore-range: a Range request gets the whole file with 200', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    sim.injectFault({ path: '/media/', kind: 'ignore-range' });
    const head = await rawRequest(sim, clip, { method: 'HEAD' }); // no Range: not spoiled
    const ignored = await rawRequest(sim, clip, { headers: { Range: 'bytes=10-19' } });
    expect(ignored.status).toBe(200);
    expect(String(ignored.body.length)).toBe(head.headers['content-length']);
    const honoured = await rawRequest(sim, clip, { headers: { Range: 'bytes=10-19' } });
    expect(honoured.status).toBe(206);
  });

  it('change-etag: a new validator, so If-Range falls back to the whole file', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    const first = await rawRequest(sim, clip, { method: 'HEAD' });
    const etag = String(first.headers.etag);
    sim.injectFault({ path: clip, kind: 'change-etag' });
    const changed = await rawRequest(sim, clip, { headers: { Range: 'bytes=100-', 'If-Range': etag } });
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.status).toBe(200);
    const back = await rawRequest(sim, clip, { headers: { Range: 'bytes=100-', 'If-Range': etag } });
    expect(back.status).toBe(206);
  });

  it('times <= 0 spoils every matching request until cleared; bad specs are refused clearly', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    sim.injectFault({ path: '/v1/kling/*/123456789', kind: 'server-error', times: 0 });
    for (let i = 0; i < 3; i++) expect((await getText(sim, task, TOKENS.basic)).status).toBe(500);
    sim.clearFaults();
    expect((await getText(sim, task, TOKENS.basic)).status).toBe(200);
    expect(() => sim?.injectFault({ path: 'media', kind: 'stall' })).toThrow(/path/);
    expect(() => sim?.injectFault({ path: '/media/', kind: 'explode' as never })).toThrow(/kind/);
    expect(() => sim?.injectFault({ path: '/media/', kind: 'rate-limit', status: 500 })).toThrow(/status/);
  });

  it('the faults scenario starts with standing one-shot faults', async () => {
    sim = await startSimulator({ scenario: 'faults' });
    const path = '/v1/kling/tasks/500000010';
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await getText(sim, path, TOKENS.faults)).status);
    expect(statuses).toEqual([429, 503, 200]);
  });
});
