// The client against the simulator (src/sim) over real HTTP on 127.0.0.1: every outcome, from each call's
// success to every injected fault, and ids beyond 2^53 kept digit for digit.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUseapiClient, describeResult } from '../../../src/core/useapi';
import type { UseapiClient, UseapiResult } from '../../../src/core/useapi';
import { interpretStatus } from '../../../src/shared/useapi';
import { startSimulator, TOKENS } from '../../../src/sim';
import type { RunningSimulator } from '../../../src/sim';
import { closedPortUrl, sendJson, startLocalServer } from './local-server';

let sim: RunningSimulator;
/** Token with two accounts (alice, bob): needs ?email=. */
let multi: UseapiClient;
/** Token with one free-plan account (carol). */
let free: UseapiClient;
const ALICE = 'alice@example.com';

function clientWith(token: string, timeoutMs = 5000): UseapiClient {
  return createUseapiClient({ baseUrl: sim.baseUrl, token, timeoutMs });
}

function expectKind<K extends UseapiResult<unknown>['kind']>(
  result: UseapiResult<unknown>,
  kind: K,
): asserts result is Extract<UseapiResult<unknown>, { kind: K }> {
  if (result.kind !== kind) throw new Error(`expected ${kind}, got ${JSON.stringify(result).slice(0, 400)}`);
}

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'multi' });
  multi = clientWith(TOKENS.multiA);
  free = clientWith(TOKENS.multiB);
});
afterAll(() => sim.close());
beforeEach(() => sim.clearFaults());

const aliceFinishedVideo = () => {
  const task = sim.scenario.tasks.find(
    (t) =>
      t.email === ALICE &&
      t.kind === 'txt2video' &&
      t.outcome === 'succeed' &&
      t.initialStep === 2 &&
      BigInt(t.id) > 2n ** 53n,
  );
  if (!task) throw new Error('the multi scenario has no finished alice video above 2^53');
  return task;
};

describe('ok, for each call', () => {
  it('getTask: the task with exact ids beyond 2^53 and the raw text', async () => {
    // Odd ids well above 2^53: a JS number cannot hold either.
    const id = sim.addTask({
      token: TOKENS.multiA,
      email: ALICE,
      id: '18446744073709551557',
      workIds: ['18446744073709551559'],
      initialState: 'final',
    });
    const task = { id, workIds: ['18446744073709551559'] };
    const result = await multi.getTask(task.id, ALICE);
    expectKind(result, 'ok');
    expect(result.status).toBe(200);
    expect(result.value.task?.id).toBe(task.id);
    expect(result.value.works?.[0]?.workId).toBe(task.workIds[0]);
    expect(result.value.works?.[0]?.taskId).toBe(task.id);
    // The raw body is what the server sent: the id appears there as a bare JSON number.
    expect(result.raw).toContain(`"id":${task.id}`);
    expect(Number(task.id).toString()).not.toBe(task.id); // a JS number would have changed it
    expect(interpretStatus(result.value)).toMatchObject({ phase: 'succeeded', final: true });
  });

  it('listAccounts: every email under the token, userIds exact', async () => {
    const result = await multi.listAccounts();
    expectKind(result, 'ok');
    expect(Object.keys(result.value).sort()).toEqual([ALICE, 'bob@example.com']);
    expect(result.value['bob@example.com']?.session?.userId).toBe('9007199254740997');
  });

  it('getAccount: one account with its balance', async () => {
    const result = await multi.getAccount(ALICE);
    expectKind(result, 'ok');
    expect(result.value.email).toBe(ALICE);
    expect(result.value.balance).toBe(1200);
  });

  it('listTasks: pages backwards with createdBefore, without overlap', async () => {
    const first = await multi.listTasks(ALICE, { pageSize: 5 });
    expectKind(first, 'ok');
    expect(first.value.history).toHaveLength(5);
    const oldest = Math.min(...first.value.history.map((entry) => entry.task?.createTime ?? Infinity));
    const second = await multi.listTasks(ALICE, { pageSize: 5, createdBefore: oldest });
    expectKind(second, 'ok');
    const ids = (page: typeof first.value) => page.history.map((entry) => entry.task?.id);
    expect(second.value.history).toHaveLength(5);
    expect(ids(second.value).filter((id) => ids(first.value).includes(id))).toEqual([]);
    for (const id of [...ids(first.value), ...ids(second.value)]) expect(id).toMatch(/^\d+$/);
    const after = await multi.listTasks(ALICE, { createdAfter: oldest, contentType: 'video' });
    expectKind(after, 'ok');
  });

  it('getDownloadUrl: a watermark-free cdnUrl for a finished work', async () => {
    const task = aliceFinishedVideo();
    const result = await multi.getDownloadUrl(ALICE, [task.workIds[0]!], 'MP4');
    expectKind(result, 'ok');
    expect(result.value.cdnUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(result.value.status).toBe('success');
  });

  it('an unknown task status number (53, and a made-up 77) is handled', async () => {
    for (const failStatus of [53, 77]) {
      const id = sim.addTask({
        token: TOKENS.multiA,
        email: ALICE,
        initialState: 'final',
        outcome: { failStatus },
      });
      const result = await multi.getTask(id, ALICE);
      expectKind(result, 'ok');
      expect(result.value.status).toBe(failStatus);
      expect(interpretStatus(result.value)).toMatchObject({
        phase: 'failed',
        final: true,
        status: failStatus,
      });
    }
  });

  it('a task seeded as submitted is followed until final (per-poll progression)', async () => {
    const id = sim.addTask({ token: TOKENS.multiA, email: ALICE, id: '7000000000000000001' });
    const phases: string[] = [];
    for (let poll = 0; poll < 6; poll++) {
      const result = await multi.getTask(id, ALICE);
      expectKind(result, 'ok');
      const status = interpretStatus(result.value);
      phases.push(status.phase);
      if (status.final) break;
    }
    expect(phases.at(-1)).toBe('succeeded');
    expect(phases[0]).not.toBe('succeeded');
  });
});

describe('the service refusing', () => {
  it('400 on getTask (no email, token with two accounts) → invalid_id, sent', async () => {
    const result = await multi.getTask(aliceFinishedVideo().id);
    expectKind(result, 'invalid_id');
    expect(result).toMatchObject({ status: 400, sent: true, message: 'Invalid task_id parameter' });
  });

  it('400 "Invalid parameters" on assets/download → bad_request with the server text', async () => {
    // A video work asked for as PNG.
    const result = await multi.getDownloadUrl(ALICE, [aliceFinishedVideo().workIds[0]!], 'PNG');
    expectKind(result, 'bad_request');
    expect(result).toMatchObject({ status: 400, message: 'Invalid parameters' });
    expect(describeResult(result)).toContain('Invalid parameters');
  });

  it('401 → unauthorized', async () => {
    const result = await clientWith('user:0-NotAKnownToken').getTask('1');
    expectKind(result, 'unauthorized');
    expect(result.status).toBe(401);
    expect(describeResult(result)).toMatch(/rejected the API token/);
  });

  it('402 → payment_required (free plan asking for a watermark-free copy)', async () => {
    const carolTask = sim.scenario.tasks.find(
      (t) => t.email === 'carol@example.com' && t.outcome === 'succeed',
    )!;
    const result = await free.getDownloadUrl('carol@example.com', [carolTask.workIds[0]!], 'MP4');
    expectKind(result, 'payment_required');
    expect(result).toMatchObject({ status: 402, message: 'Subscription required' });
  });

  it('404 → not_found (unknown task; no account under the token)', async () => {
    const task = await multi.getTask('424242', ALICE);
    expectKind(task, 'not_found');
    expect(task.message).toBe('Task not found');
    expect(describeResult(task)).toMatch(/deleted, refused at moderation, or out of credits/);
    const accounts = await clientWith(TOKENS.multiNone).listAccounts();
    expectKind(accounts, 'not_found');
    expect(describeResult(accounts)).toMatch(/No Kling account/);
  });

  it('404 a few times, then the task appears', async () => {
    const id = sim.addTask({ token: TOKENS.multiA, email: ALICE, outcome: { notFoundPolls: 2 } });
    expect((await multi.getTask(id, ALICE)).kind).toBe('not_found');
    expect((await multi.getTask(id, ALICE)).kind).toBe('not_found');
    expect((await multi.getTask(id, ALICE)).kind).toBe('ok');
  });

  it('429 with Retry-After → rate_limited with retryAfterMs', async () => {
    sim.injectFault({ path: '/v1/kling/tasks/', kind: 'rate-limit', retryAfterSeconds: 7 });
    const result = await multi.getTask(aliceFinishedVideo().id, ALICE);
    expectKind(result, 'rate_limited');
    expect(result).toMatchObject({ status: 429, retryAfterMs: 7000 });
    expect(describeResult(result)).toMatch(/wait 7 s/);
  });

  it('500 (JSON) and 503 (an HTML gateway page) → server_error with the status', async () => {
    sim.injectFault({ path: '/v1/kling/accounts', kind: 'server-error' });
    const json = await multi.listAccounts();
    expectKind(json, 'server_error');
    expect(json).toMatchObject({ status: 500, message: 'Internal server error' });
    sim.injectFault({ path: '/v1/kling/accounts', kind: 'server-error', status: 503 });
    const html = await multi.listAccounts();
    expectKind(html, 'server_error');
    expect(html).toMatchObject({ status: 503, message: 'HTTP 503' });
  });
});

describe('broken answers and connections', () => {
  it('reset mid-body → network_error with the code, not a partial parse', async () => {
    sim.injectFault({ path: '/v1/kling/tasks$', kind: 'reset-mid-body', afterBytes: 100 });
    const result = await multi.listTasks(ALICE);
    expectKind(result, 'network_error');
    expect(result.status).toBe(200);
    expect(result.code).toMatch(/^(ECONNRESET|UND_ERR_SOCKET)$/);
    expect(describeResult(result)).toMatch(/^Reading the generation history failed: the connection/);
  });

  it('truncated body → network_error: Content-Length promised more, so the body is known incomplete', async () => {
    // The simulator sends fewer bytes than Content-Length and then closes. The transport sees the
    // mismatch before any JSON is parsed, so this is a connection problem (retry), never "malformed".
    sim.injectFault({ path: '/v1/kling/tasks/', kind: 'truncate-body' });
    const result = await multi.getTask(aliceFinishedVideo().id, ALICE);
    expectKind(result, 'network_error');
    expect(result.code).toBe('UND_ERR_SOCKET');
  });

  it('malformed JSON → malformed with the parser problem', async () => {
    sim.injectFault({ path: '/v1/kling/tasks/', kind: 'malformed-json' });
    const result = await multi.getTask(aliceFinishedVideo().id, ALICE);
    expectKind(result, 'malformed');
    expect(result.status).toBe(200);
    expect(result.problem).toMatch(/^not JSON \(.+\)$/);
    expect(describeResult(result)).toContain(result.problem);
  });

  it('a well-formed answer that does not fit the model → malformed naming the path', async () => {
    // The simulator only sends valid models; a tiny local server sends a wrong type deep inside.
    const server = await startLocalServer((_req, res) =>
      sendJson(res, 200, '{"status":99,"works":[{"workId":1,"resource":{"width":"wide"}}]}'),
    );
    try {
      const result = await createUseapiClient({ baseUrl: server.baseUrl, token: 'user:1-x' }).getTask('1');
      expectKind(result, 'malformed');
      expect(result.problem).toMatch(/^at works\[0\]\.resource\.width: /);
    } finally {
      await server.close();
    }
  });

  it('stalled headers → timeout within the configured timeoutMs', async () => {
    sim.injectFault({ path: '/v1/kling/accounts', kind: 'stall', stallMs: 10_000 });
    const started = Date.now();
    const result = await clientWith(TOKENS.multiA, 300).listAccounts();
    const elapsed = Date.now() - started;
    expectKind(result, 'timeout');
    expect(result).toMatchObject({ timeoutMs: 300, status: null });
    // Loose bounds only (shared machine): it gave up near the deadline, long before the stall ended.
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(5000);
  });

  it('a body that stalls half-way → timeout too, with the status already received', async () => {
    sim.injectFault({ path: '/v1/kling/tasks$', kind: 'stall', afterBytes: 50, stallMs: 10_000 });
    const started = Date.now();
    const result = await clientWith(TOKENS.multiA, 400).listTasks(ALICE);
    expectKind(result, 'timeout');
    expect(result.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('connection refused → network_error ECONNREFUSED', async () => {
    const result = await createUseapiClient({
      baseUrl: await closedPortUrl(),
      token: 'user:1-x',
    }).listAccounts();
    expectKind(result, 'network_error');
    expect(result).toMatchObject({ code: 'ECONNREFUSED', status: null });
    expect(describeResult(result)).toMatch(/connection was refused/);
  });

  it('unknown fields are kept, at every level', async () => {
    // The simulator renders only documented fields, so a local server adds new ones.
    const body =
      '{"status":99,"newTopLevel":{"a":[1,2]},"task":{"id":18446744073709551615,"futureFlag":true},' +
      '"works":[{"workId":9007199254740993,"aiLabel":"x","resource":{"resource":"u","hdr":true}}]}';
    const server = await startLocalServer((_req, res) => sendJson(res, 200, body));
    try {
      const result = await createUseapiClient({ baseUrl: server.baseUrl, token: 'user:1-x' }).getTask('1');
      expectKind(result, 'ok');
      const value = result.value as Record<string, unknown> & typeof result.value;
      expect(value['newTopLevel']).toEqual({ a: [1, 2] });
      expect((value.task as Record<string, unknown>)['futureFlag']).toBe(true);
      expect(value.task?.id).toBe('18446744073709551615');
      expect((value.works?.[0] as Record<string, unknown>)['aiLabel']).toBe('x');
      expect(value.works?.[0]?.workId).toBe('9007199254740993');
      expect((value.works?.[0]?.resource as Record<string, unknown>)['hdr']).toBe(true);
      expect(result.raw).toBe(body);
    } finally {
      await server.close();
    }
  });
});
