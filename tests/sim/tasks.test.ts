// GET /tasks/{id}: progression per poll and on a clock, failures, 404 variants, auth, email rules and
// exact ids on the wire.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, TOKENS, type RunningSimulator } from '../../src/sim';
import { getJson, getText, rawField } from './helpers';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const basic = TOKENS.basic;

async function statusOf(
  s: RunningSimulator,
  id: string,
  token: string = basic,
  email?: string,
): Promise<number> {
  const { status, json } = await getJson(s, `/v1/kling/tasks/${id}${email ? `?email=${email}` : ''}`, token);
  expect(status).toBe(200);
  return json.status as number;
}

describe('task progression', () => {
  it('moves 5 → 10 → 99 one step per poll, then stays final', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    const id = sim.addTask({ prompt: 'A fox in the snow' });
    const seen = [];
    for (let i = 0; i < 5; i++) seen.push(await statusOf(sim, id));
    expect(seen).toEqual([5, 10, 99, 99, 99]);
  });

  it('honours pollsPerStep', async () => {
    sim = await startSimulator({ scenario: 'basic', pollsPerStep: 2 });
    const id = sim.addTask({});
    const seen = [];
    for (let i = 0; i < 6; i++) seen.push(await statusOf(sim, id));
    expect(seen).toEqual([5, 5, 10, 10, 99, 99]);
  });

  it('follows an injected clock, not polls, in clock mode, with ms-timestamp ETAs', async () => {
    let now = 1_750_000_000_000;
    sim = await startSimulator({ scenario: 'empty', progression: 'clock', stepMs: 5_000, now: () => now });
    const id = sim.addTask({});
    let answer = (await getJson(sim, `/v1/kling/tasks/${id}`, TOKENS.empty)).json;
    expect(answer.status).toBe(5);
    expect(answer.status_name).toBe('submitted');
    expect(answer.status_final).toBe(false);
    expect(answer.queuingEtaTime).toBe(now + 5_000);
    expect(answer.etaTime).toBe(now + 10_000);
    expect(answer.originEtaTime).toBe(now + 10_000);
    expect(answer.currentTimestamp).toBe(now);
    expect(answer.works).toEqual([]);
    expect(await statusOf(sim, id, TOKENS.empty)).toBe(5); // polling alone changes nothing
    now += 5_000;
    answer = (await getJson(sim, `/v1/kling/tasks/${id}`, TOKENS.empty)).json;
    expect(answer.status).toBe(10);
    expect(answer.queuingEtaTime).toBe(0);
    expect(answer.etaTime).toBe(now + 5_000);
    expect(answer.task.updateTime).toBe(now);
    now += 5_000;
    answer = (await getJson(sim, `/v1/kling/tasks/${id}`, TOKENS.empty)).json;
    expect(answer).toMatchObject({
      status: 99,
      status_name: 'succeed',
      status_final: true,
      etaTime: 0,
      message: 'success',
    });
    expect(answer.works).toHaveLength(1);
  });

  it('answers null in every ETA field while running for a task that announces none', async () => {
    let now = 1_750_000_000_000;
    sim = await startSimulator({ scenario: 'empty', progression: 'clock', stepMs: 5_000, now: () => now });
    const id = sim.addTask({ etaUnknown: true, initialState: 'processing' });
    const answer = (await getJson(sim, `/v1/kling/tasks/${id}`, TOKENS.empty)).json;
    expect(answer.status).toBe(10);
    for (const key of [
      'etaTime',
      'etaTimeOverSla',
      'queuingEtaTime',
      'originEtaTime',
      'originQueuingEtaTime',
    ])
      expect(answer[key]).toBeNull();
    now += 10_000;
    expect((await getJson(sim, `/v1/kling/tasks/${id}`, TOKENS.empty)).json).toMatchObject({
      status: 99,
      etaTime: 0,
    });
  });

  it('ends failed tasks with the documented status, name and message', async () => {
    sim = await startSimulator({ scenario: 'empty' });
    const expected: Record<number, string> = {
      6: 'Task failed',
      7: 'The input prompt contains sensitive words',
      9: 'Change the input prompt and try again',
      50: 'Change the input prompt and try again',
      53: 'Generation failed (status 53)',
      58: 'Generation failed (status 58)',
    };
    for (const [failStatus, message] of Object.entries(expected)) {
      const id = sim.addTask({ outcome: { failStatus: Number(failStatus) }, initialState: 'processing' });
      expect(await statusOf(sim, id, TOKENS.empty)).toBe(10);
      const { json } = await getJson(sim, `/v1/kling/tasks/${id}`, TOKENS.empty);
      expect(json).toMatchObject({
        status: Number(failStatus),
        status_name: 'failed',
        status_final: true,
        message,
      });
      expect(json.task).toMatchObject({
        status: Number(failStatus),
        status_name: 'failed',
        status_final: true,
      });
      expect(json.works).toEqual([]);
    }
  });

  it('answers 404 a few times for a late task, then shows it; never for a not-found one', async () => {
    sim = await startSimulator({ scenario: 'empty' });
    const late = sim.addTask({ outcome: { notFoundPolls: 2 } });
    const gone = sim.addTask({ outcome: 'not-found' });
    const lateStatuses = [];
    for (let i = 0; i < 4; i++)
      lateStatuses.push((await getText(sim, `/v1/kling/tasks/${late}`, TOKENS.empty)).status);
    expect(lateStatuses).toEqual([404, 404, 200, 200]);
    for (let i = 0; i < 3; i++) {
      const answer = await getText(sim, `/v1/kling/tasks/${gone}`, TOKENS.empty);
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.text)).toEqual({ error: 'Task not found' });
    }
  });

  it('advanceTask moves a task on regardless of polls', async () => {
    sim = await startSimulator({ scenario: 'empty' });
    const id = sim.addTask({});
    sim.advanceTask(id, 2);
    expect(await statusOf(sim, id, TOKENS.empty)).toBe(99);
  });
});

describe('the basic scenario', () => {
  it('serves the reference example shape exactly, with the fields in the documented order', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    const { status, json, text } = await getJson(sim, '/v1/kling/tasks/123456789', basic);
    expect(status).toBe(200);
    expect(Object.keys(json)).toEqual([
      'status',
      'status_name',
      'status_final',
      'etaTime',
      'etaTimeOverSla',
      'queuingEtaTime',
      'originEtaTime',
      'originQueuingEtaTime',
      'message',
      'task',
      'works',
      'currentTimestamp',
    ]);
    expect(Object.keys(json.task)).toEqual([
      'id',
      'userId',
      'type',
      'scene',
      'status',
      'status_name',
      'status_final',
      'taskInfo',
      'favored',
      'deleted',
      'viewed',
      'createTime',
      'updateTime',
      'viewTime',
    ]);
    expect(Object.keys(json.task.taskInfo)).toEqual([
      'type',
      'inputs',
      'arguments',
      'extraArgs',
      'callbackPayloads',
      'scene',
    ]);
    expect(Object.keys(json.task.taskInfo.inputs[0])).toEqual([
      'name',
      'inputType',
      'token',
      'blobStorage',
      'url',
      'cover',
      'fromWorkId',
    ]);
    const work = json.works[0];
    expect(Object.keys(work)).toEqual([
      'workId',
      'workItemId',
      'taskId',
      'userId',
      'type',
      'status',
      'status_name',
      'status_final',
      'contentType',
      'resource',
      'cover',
      'starNum',
      'cloneCount',
      'reportNum',
      'createTime',
      'taskInfo',
      'selfAttitude',
      'selfComment',
      'favored',
      'starred',
      'publishStatus',
      'deleted',
      'publishTime',
      'submitTime',
      'lipSyncStatus',
      'downloadInfo',
      'allowPublish',
    ]);
    expect(Object.keys(work.resource)).toEqual(['resource', 'height', 'width', 'duration', 'resourceKey']);
    expect(Object.keys(work.taskInfo.inputs[0])).toContain('fromUploadId');
    expect(work.downloadInfo).toEqual({ fileTypes: [{ type: 'MP4', watermark: true }] });
    expect(json.task.taskInfo.arguments).toEqual([
      { name: 'prompt', value: 'A person dancing' },
      { name: 'negative_prompt', value: '' },
      { name: 'duration', value: '5' },
      { name: 'kling_version', value: '2.0' },
    ]);
    expect(text).toContain('"task":{"id":123456789,"userId":12345,');
    // Result and input URLs point at the simulator itself, and they serve.
    expect(work.resource.resource).toMatch(new RegExp(`^${sim.baseUrl}/media/.+\\.mp4$`));
    expect(work.cover.resource).toMatch(/\.jpg$/);
    expect(work.resource.height).toBeGreaterThan(work.resource.width);
    for (const url of [work.resource.resource, work.cover.resource, json.task.taskInfo.inputs[0].url]) {
      const media = await fetch(url);
      expect(media.status).toBe(200);
      await media.arrayBuffer();
    }
  });

  it('writes ids beyond 2^53 as raw JSON numbers, every digit intact', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    const { text } = await getText(sim, '/v1/kling/tasks/9007199254740993', basic);
    expect(text).toContain('"id":9007199254740993,');
    expect(text).toContain('"workId":9007199254740995,');
    expect(text).toContain('"taskId":9007199254740993,');
    expect(text).not.toContain('"9007199254740993"');
    const images = await getText(sim, '/v1/kling/tasks/1844674407370955161', basic);
    expect(images.text).toContain('"id":1844674407370955161,');
    for (const workId of [
      '18446744073709551611',
      '18446744073709551612',
      '18446744073709551613',
      '18446744073709551614',
    ]) {
      expect(images.text).toContain(`"workId":${workId},`);
    }
    const imageAnswer = JSON.parse(images.text);
    expect(imageAnswer.works.map((w: { contentType: string }) => w.contentType)).toEqual([
      'image',
      'image',
      'image',
      'image',
    ]);
    expect(imageAnswer.works[0].resource.resource).toMatch(/\.jpg$/);
    expect(imageAnswer.task.taskInfo.inputs).toEqual([]);
    const running = await getText(sim, '/v1/kling/tasks/18446744073709551615', basic);
    expect(rawField(running.text, 'id')).toBe('18446744073709551615');
  });

  it('generates ids (some beyond 2^53) and returns them exactly', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    const ids = [sim.addTask({}), sim.addTask({}), sim.addTask({})];
    expect(ids.some((id) => BigInt(id) > 2n ** 53n)).toBe(true);
    for (const id of ids) {
      const { text } = await getText(sim, `/v1/kling/tasks/${id}`, basic);
      expect(rawField(text, 'id')).toBe(id);
    }
  });

  it('lists its tasks in the scenario info, with mixed states', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    expect(sim.scenario.tokens).toEqual([{ token: TOKENS.basic, emails: ['creator@example.com'] }]);
    expect(sim.scenario.taskIds).toEqual([
      '123456789',
      '9007199254740993',
      '1844674407370955161',
      '123456800',
      '18446744073709551615',
      '1234567890123456789',
    ]);
    const statuses = [];
    for (const id of sim.scenario.taskIds) statuses.push(await statusOf(sim, id));
    expect(statuses).toEqual([99, 99, 99, 7, 10, 5]);
  });
});

describe('auth and email rules', () => {
  it('answers 401 without or with an unknown token, and 400 for a non-numeric id', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    for (const token of [undefined, 'user:1-nope']) {
      const answer = await getText(sim, '/v1/kling/tasks/123456789', token);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toEqual({ error: 'Unauthorized', code: 401 });
    }
    const bad = await getText(sim, '/v1/kling/tasks/12ab', basic);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toEqual({ error: 'Invalid task_id parameter' });
  });

  it("needs ?email= when a token has several accounts, and hides other accounts' tasks", async () => {
    sim = await startSimulator({ scenario: 'multi' });
    const a = TOKENS.multiA;
    const missing = await getText(sim, '/v1/kling/tasks/300000001', a);
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text)).toEqual({ error: 'Invalid task_id parameter' });
    expect(await statusOf(sim, '300000001', a, 'bob@example.com')).toBe(99);
    // bob's task asked for as alice (same token): 404
    const foreign = await getText(sim, '/v1/kling/tasks/300000001?email=alice@example.com', a);
    expect(foreign.status).toBe(404);
    expect(JSON.parse(foreign.text)).toEqual({ error: 'Task not found' });
    // an email not under this token: 404
    expect((await getText(sim, '/v1/kling/tasks/300000001?email=carol@example.com', a)).status).toBe(404);
    // another token's task: 404; its single account needs no email
    expect((await getText(sim, '/v1/kling/tasks/400000001', a)).status).toBe(400);
    expect((await getText(sim, '/v1/kling/tasks/400000001?email=alice@example.com', a)).status).toBe(404);
    expect(await statusOf(sim, '400000001', TOKENS.multiB)).toBe(99);
    // bob's failed task has a 19-digit id and bob a userId beyond 2^53
    const failed = await getText(sim, '/v1/kling/tasks/9223372036854775807?email=bob@example.com', a);
    expect(rawField(failed.text, 'id')).toBe('9223372036854775807');
    expect(rawField(failed.text, 'userId')).toBe('9007199254740997');
    expect(JSON.parse(failed.text)).toMatchObject({ status: 9, status_name: 'failed', status_final: true });
  });
});
