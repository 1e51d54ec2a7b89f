// The engine reads answers full of nulls, and keeps a reason and a next try for every poll that gave
// no usable answer; a 400 is final only for an id our own rule refuses. Real HTTP: the simulator, or
// a tiny local server where one exact answer is needed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../../../src/core/library';
import { SyncEngine, type SyncEngineOptions, type SyncEvent } from '../../../src/core/sync';
import { startSimulator, type RunningSimulator } from '../../../src/sim';
import { sendJson, startLocalServer, type LocalServer } from '../useapi/local-server';
import { EMAIL, testEngineOptions } from './engine-options';
import { waitUntil } from '../../support/wait-until';

let sim: RunningSimulator;
let local: LocalServer | null;
let dir: string;
let library: Library;
let engines: SyncEngine[];
let events: SyncEvent[];

function engineFor(options: Partial<SyncEngineOptions> = {}): SyncEngine {
  const engine = new SyncEngine(testEngineOptions(sim, library, options));
  engine.events.subscribe((event) => events.push(event));
  engines.push(engine);
  return engine;
}

const retries = (taskId: string) =>
  events.flatMap((event) =>
    event.name === 'task.changed' && event.payload.taskId === taskId && event.payload.retryAt !== undefined
      ? [event.payload]
      : [],
  );

beforeEach(async () => {
  sim = await startSimulator({ scenario: 'basic', nulls: true });
  local = null;
  dir = await mkdtemp(path.join(tmpdir(), 'ka-engine-reasons-'));
  library = openLibrary(dir);
  engines = [];
  events = [];
});

afterEach(async () => {
  for (const engine of engines) await engine.stop();
  library.close();
  await sim.close();
  await local?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('answers full of nulls', () => {
  it('a task followed from submitted to succeeded through null-filled answers is archived', async () => {
    const id = sim.addTask({ kind: 'img2video', outcome: 'succeed', mediaBytes: 20_000 });
    const engine = engineFor();
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    expect(engine.taskReport(id)).toMatchObject({
      final: true,
      phase: 'succeeded',
      error: null,
      lastError: null,
      problems: [],
    });
    expect(
      engine
        .taskReport(id)
        .works[0]?.files.map((f) => f.kind)
        .sort(),
    ).toEqual(['cover', 'input', 'video']);
    expect(sim.requests().filter((r) => r.path.endsWith(`/tasks/${id}`)).length).toBeGreaterThanOrEqual(3);
    expect(retries(id)).toEqual([]);
  });

  it('history pages full of nulls are archived too', async () => {
    const id = sim.addTask({ kind: 'txt2img', initialState: 'final', mediaBytes: 5_000 });
    const engine = engineFor();
    engine.start();
    const outcome = await engine.syncHistory(EMAIL);
    expect(outcome.error).toBeNull();
    await engine.waitForTasks([id]);
    expect(engine.taskReport(id)).toMatchObject({
      final: true,
      phase: 'succeeded',
      error: null,
      problems: [],
    });
  });
});

/** A local API whose answers for one task id come from `answers`, in turn (the last one repeats). */
async function localApi(taskId: string, answers: Array<[number, string]>) {
  let served = 0;
  local = await startLocalServer((req, res) => {
    if (!req.url?.startsWith(`/v1/kling/tasks/${taskId}`))
      return sendJson(res, 404, '{"error":"Task not found"}');
    const [status, body] = answers[Math.min(served, answers.length - 1)] ?? [500, '{}'];
    served += 1;
    sendJson(res, status, body);
  });
  return local;
}

describe('every problem has a reason', () => {
  it('an unreadable answer: the path in the reason, the next try, then the task goes on', async () => {
    const id = '123456789';
    const server = await localApi(id, [
      [200, `{"status":5,"task":{"id":${id}},"etaTime":"soon"}`],
      [200, `{"status":6,"status_name":"failed","status_final":true,"task":{"id":${id}},"message":null}`],
    ]);
    const engine = engineFor({ apiBase: server.baseUrl });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    const [first] = retries(id);
    expect(first?.message).toBe(
      'could not read the answer (at etaTime: Invalid input: expected number, received string)',
    );
    expect(first?.retryAt).toBeGreaterThan(Date.now() - 10_000);
    // The next answer was readable: the task finished with the service's own reason.
    expect(engine.taskReport(id)).toMatchObject({ final: true, phase: 'failed', error: 'Generation failed' });
  });

  it('while an answer stays unreadable, the report carries the last error and the time of the next try', async () => {
    const id = '123456790';
    const server = await localApi(id, [
      [200, '{"status":5,"task":{"id":123456790},"works":[{"workId":"x"}]}'],
    ]);
    const engine = engineFor({ apiBase: server.baseUrl });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await waitUntil(() => retries(id).length >= 2);
    const report = engine.taskReport(id);
    expect(report.lastError).toBe('could not read the answer (at works[0].workId: expected a numeric id)');
    expect(report.nextTryAt).toBeGreaterThan(Date.now() - 1_000);
    expect(library.task(id)?.last_error).toBe(report.lastError);
  });

  it.each([
    [502, 'useapi.net had a server error (HTTP 502: Bad gateway)'],
    [404, 'not found yet (HTTP 404); it may still appear'],
  ])('HTTP %i is retried with its reason', async (status, reason) => {
    const id = '123456791';
    const server = await localApi(id, [
      [status, JSON.stringify({ error: status === 404 ? 'Task not found' : 'Bad gateway' })],
      [200, `{"status":6,"status_final":true,"task":{"id":${id}}}`],
    ]);
    const engine = engineFor({ apiBase: server.baseUrl });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    expect(retries(id)[0]?.message).toBe(reason);
    expect(engine.taskReport(id)).toMatchObject({ final: true, phase: 'failed' });
  });
});

describe('a 400 on a task poll', () => {
  it('for an id our rule accepts is a transient error, tried again with backoff', async () => {
    const id = '18446744073709551615';
    const server = await localApi(id, [
      [400, '{"error":"Invalid task_id parameter"}'],
      [400, '{"error":"Invalid task_id parameter"}'],
      [200, `{"status":6,"status_name":"failed","status_final":true,"task":{"id":${id}}}`],
    ]);
    const engine = engineFor({ apiBase: server.baseUrl });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    expect(retries(id).map((r) => r.message)).toEqual([
      'useapi.net refused the request (HTTP 400: Invalid task_id parameter)',
      'useapi.net refused the request (HTTP 400: Invalid task_id parameter)',
    ]);
    expect(engine.taskReport(id)).toMatchObject({ final: true, phase: 'failed', error: 'Generation failed' });
    expect(server.requests).toHaveLength(3);
  });

  it('for an id our rule refuses is final at once, with the reason, and nothing is sent', async () => {
    const id = '18446744073709551616';
    const server = await localApi(id, [[400, '{"error":"Invalid task_id parameter"}']]);
    const engine = engineFor({ apiBase: server.baseUrl });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    expect(engine.taskReport(id)).toMatchObject({
      final: true,
      phase: 'failed',
      error: 'invalid task id (larger than a task id can be (at most 18446744073709551615))',
    });
    expect(server.requests).toHaveLength(0);
  });
});
