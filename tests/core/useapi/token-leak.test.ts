// The API token must never appear in a result, a message, describeResult text, a thrown error or
// anything written to the console — on every failure path, including servers that echo it back.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUseapiClient, describeResult } from '../../../src/core/useapi';
import type { UseapiClient, UseapiResult } from '../../../src/core/useapi';
import { startSimulator, TOKENS } from '../../../src/sim';
import type { RunningSimulator } from '../../../src/sim';
import { closedPortUrl, sendJson, startLocalServer } from './local-server';
import type { LocalServer } from './local-server';

/** Recognisable and unknown to the simulator: faults answer before authentication, so it reaches them all. */
const CANARY = 'user:8888-LeakCanaryQ7Zx';
/** The scenario tokens, needed for the paths behind authentication (400, 402, 404). */
const LONG_CANARY = `${CANARY}-${'LongTail'.repeat(10)}`;
const SECRETS = [CANARY, LONG_CANARY, TOKENS.multiA, TOKENS.multiB];
const DISTINCTIVE = ['LeakCanary', 'SimMultiA3x9', 'SimSingleB5k2'];

let sim: RunningSimulator;
let echo: LocalServer;
const written: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'multi' });
  // A hostile server that quotes the Authorization header back in every kind of answer.
  echo = await startLocalServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    const path = req.url ?? '';
    if (path.includes('/accounts'))
      return sendJson(res, 401, JSON.stringify({ error: `Unauthorized: ${auth}` }));
    if (path.includes('/assets')) return sendJson(res, 400, JSON.stringify({ error: `bad ${auth}` }));
    if (path.includes('/tasks/1')) return sendJson(res, 200, `not json ${auth}`);
    if (path.includes('/tasks/2')) return sendJson(res, 200, JSON.stringify({ status: auth }));
    if (path.includes('/tasks/3')) return sendJson(res, 200, `{"status": 99, "message": "${auth}", `);
    if (path.includes('/tasks/4'))
      return void res.writeHead(302, { location: `/x?t=${encodeURIComponent(auth)}` }).end();
    if (path.startsWith('/v1/kling/tasks?'))
      return sendJson(res, 503, JSON.stringify({ error: auth }), { 'retry-after': auth });
    return sendJson(res, 429, JSON.stringify({ error: auth }), { 'retry-after': auth });
  });
});
afterAll(async () => {
  await sim.close();
  await echo.close();
});
afterEach(() => {
  vi.restoreAllMocks();
  sim.clearFaults();
});

function spyOnOutput() {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      written.push(args.map(String).join(' '));
    });
  }
  for (const stream of [process.stderr, process.stdout]) {
    const original = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      written.push(String(chunk));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
}

/** Every string reachable from a result, and a check that no Error object (with message/cause) hides in it. */
function strings(value: unknown, out: string[] = []): string[] {
  expect(value instanceof Error).toBe(false);
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((item) => strings(item, out));
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      out.push(key);
      strings(child, out);
    }
  }
  return out;
}

function expectClean(label: string, text: string) {
  for (const secret of [...SECRETS, ...DISTINCTIVE]) {
    if (text.includes(secret)) throw new Error(`${label} leaks a token: ${text.slice(0, 300)}`);
  }
}

describe('the token never leaks', () => {
  it('through any failure path', async () => {
    spyOnOutput();
    const refused = await closedPortUrl();
    const make = (token: string, baseUrl = sim.baseUrl, timeoutMs = 2000): UseapiClient =>
      createUseapiClient({ token, baseUrl, timeoutMs });
    const canary = make(CANARY);
    const alice = make(TOKENS.multiA);
    const carol = make(TOKENS.multiB);
    const hostile = make(CANARY, echo.baseUrl);
    const carolWork = sim.scenario.tasks.find(
      (t) => t.email === 'carol@example.com' && t.outcome === 'succeed',
    )!.workIds[0]!;
    const aliceTask = sim.scenario.tasks.find(
      (t) => t.email === 'alice@example.com' && t.outcome === 'succeed',
    )!;

    const paths: Array<[string, () => Promise<UseapiResult<unknown>>]> = [
      ['401', () => canary.getTask('123')],
      ['400 getTask', () => alice.getTask(aliceTask.id)],
      ['400 download', () => alice.getDownloadUrl('alice@example.com', [aliceTask.workIds[0]!], 'WAV')],
      ['402', () => carol.getDownloadUrl('carol@example.com', [carolWork], 'MP4')],
      ['404', () => alice.getTask('999', 'alice@example.com')],
      ['404 account', () => alice.getAccount('nobody@example.com')],
      ['429', async () => (sim.injectFault({ path: '/v1/', kind: 'rate-limit' }), canary.listAccounts())],
      ['500', async () => (sim.injectFault({ path: '/v1/', kind: 'server-error' }), canary.listAccounts())],
      [
        '503',
        async () => (
          sim.injectFault({ path: '/v1/', kind: 'server-error', status: 503 }),
          canary.listAccounts()
        ),
      ],
      [
        'reset',
        async () => (
          sim.injectFault({ path: '/v1/', kind: 'reset-mid-body', afterBytes: 5 }),
          canary.listAccounts()
        ),
      ],
      [
        'truncate',
        async () => (sim.injectFault({ path: '/v1/', kind: 'truncate-body' }), canary.listAccounts()),
      ],
      [
        'malformed',
        async () => (sim.injectFault({ path: '/v1/', kind: 'malformed-json' }), canary.listAccounts()),
      ],
      [
        'stall headers',
        async () => (
          sim.injectFault({ path: '/v1/', kind: 'stall', stallMs: 5000 }),
          make(CANARY, sim.baseUrl, 200).listAccounts()
        ),
      ],
      [
        'stall body',
        async () => (
          sim.injectFault({ path: '/v1/', kind: 'stall', stallMs: 5000, afterBytes: 3 }),
          make(CANARY, sim.baseUrl, 200).listAccounts()
        ),
      ],
      ['refused', () => make(CANARY, refused).listAccounts()],
      ['aborted', () => canary.listAccounts({ signal: AbortSignal.abort() })],
      ['invalid id', () => canary.getTask(CANARY)],
      // Longer than the 60 characters an error message quotes: redaction must happen before the cut.
      ['invalid id, long token', () => make(LONG_CANARY).getTask(`id ${LONG_CANARY}`)],
      ['invalid work id', () => canary.getDownloadUrl('a@b.co', [CANARY], 'MP4')],
      ['invalid email', () => canary.getAccount(CANARY)],
      ['echo 401', () => hostile.listAccounts()],
      ['echo 400', () => hostile.getDownloadUrl('a@b.co', ['1'], 'MP4')],
      ['echo not JSON', () => hostile.getTask('1')],
      ['echo wrong type', () => hostile.getTask('2')],
      ['echo cut JSON', () => hostile.getTask('3')],
      ['echo redirect', () => hostile.getTask('4')],
      ['echo 503', () => hostile.listTasks('a@b.co')],
      ['echo 429', () => hostile.getAccount('a@b.co')],
    ];

    const kinds: string[] = [];
    for (const [label, run] of paths) {
      let result: UseapiResult<unknown>;
      try {
        result = await run();
      } catch (error) {
        throw new Error(`${label} threw instead of returning a result`, { cause: error });
      }
      expect(result.kind, label).not.toBe('ok');
      kinds.push(result.kind);
      expectClean(`${label} result`, JSON.stringify(result));
      for (const text of strings(result)) expectClean(`${label} field`, text);
      expectClean(`${label} describeResult`, describeResult(result));
    }
    for (const text of written) expectClean('console/stdout/stderr', text);

    // Every kind of failure was exercised.
    expect(new Set(kinds)).toEqual(
      new Set([
        'unauthorized',
        'invalid_id',
        'bad_request',
        'payment_required',
        'not_found',
        'rate_limited',
        'server_error',
        'network_error',
        'malformed',
        'timeout',
        'aborted',
        'invalid_input',
        'unexpected_status',
      ]),
    );
    // The token did reach the servers, and only in the Authorization header.
    expect(echo.requests.every((r) => r.headers.authorization === `Bearer ${CANARY}`)).toBe(true);
    expect(echo.requests.some((r) => r.url.includes('Canary'))).toBe(false);
    expect(sim.requests().every((r) => !Object.values(r.query).join().includes('Canary'))).toBe(true);
  });

  it('not in a thrown configuration error', () => {
    for (const bad of [`${CANARY} extra`, `${CANARY}\nX-Other: 1`, `\u0000${CANARY}`]) {
      let thrown: unknown;
      try {
        createUseapiClient({ token: bad });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Error);
      const error = thrown as Error;
      expectClean('config error', `${error.message} ${error.stack ?? ''} ${String(error.cause)}`);
    }
    let thrown: unknown;
    try {
      createUseapiClient({ token: CANARY, baseUrl: `https://x:${CANARY.replace(':', '')}@api.useapi.net` });
    } catch (error) {
      thrown = error;
    }
    expectClean('base URL error', String((thrown as Error).message));
  });
});
