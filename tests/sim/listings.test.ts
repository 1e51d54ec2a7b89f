// History (paging backwards), accounts, assets and the watermark-free download.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, TOKENS, type RunningSimulator } from '../../src/sim';
import { getJson, getText, rawField, type Loose } from './helpers';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const a = TOKENS.multiA;
const alice = 'alice%40example.com';

describe('history', () => {
  it('pages backwards by createdBefore, newest first, with every task exactly once', async () => {
    sim = await startSimulator({ scenario: 'multi' });
    const seen: string[] = [];
    let before: number | undefined;
    for (let page = 0; page < 10; page++) {
      const query = `email=${alice}&pageSize=5${before === undefined ? '' : `&createdBefore=${before}`}`;
      const { status, json, text } = await getJson(sim, `/v1/kling/tasks?${query}`, a);
      expect(status).toBe(200);
      expect(Object.keys(json)).toEqual(['history']);
      const items = json.history as Loose[];
      if (items.length === 0) break;
      const times = items.map((item) => item.task.createTime as number);
      expect([...times].sort((x, y) => y - x)).toEqual(times);
      expect(items[0]).toHaveProperty('status_final');
      // ids from the raw text, in order
      const ids = [...text.matchAll(/"task":\{"id":(\d+)/g)].map((m) => m[1] ?? '');
      seen.push(...ids);
      before = Math.min(...times);
    }
    const aliceTasks = sim.scenario.tasks.filter((t) => t.email === 'alice@example.com').map((t) => t.id);
    expect([...seen].sort()).toEqual([...aliceTasks].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain('9007199254741012'); // a big id survives the listing
  });

  it('filters by contentType, pages forward by createdAfter, and refuses both bounds together', async () => {
    sim = await startSimulator({ scenario: 'multi' });
    const images = await getJson(sim, `/v1/kling/tasks?email=${alice}&contentType=image&pageSize=50`, a);
    expect(images.json.history.length).toBe(3);
    for (const item of images.json.history) expect(item.works[0].contentType).toBe('image');
    const all = (await getJson(sim, `/v1/kling/tasks?email=${alice}&pageSize=50`, a)).json.history as Loose[];
    const oldest = all[all.length - 1].task.createTime as number;
    const after = await getJson(sim, `/v1/kling/tasks?email=${alice}&pageSize=2&createdAfter=${oldest}`, a);
    expect(after.json.history.map((item: Loose) => item.task.createTime)).toEqual([
      all[all.length - 3].task.createTime,
      all[all.length - 2].task.createTime,
    ]);
    const both = await getText(sim, `/v1/kling/tasks?email=${alice}&createdBefore=1&createdAfter=1`, a);
    expect(both.status).toBe(400);
    expect(JSON.parse(both.text).error).toMatch(/createdBefore and createdAfter/);
    expect((await getText(sim, `/v1/kling/tasks?email=${alice}&pageSize=0`, a)).status).toBe(400);
    expect((await getText(sim, '/v1/kling/tasks', a)).status).toBe(400); // two accounts, no email
  });

  it('leaves out tasks that answer 404', async () => {
    sim = await startSimulator({ scenario: 'faults' });
    sim.clearFaults();
    const { json } = await getJson(sim, '/v1/kling/tasks?pageSize=50', TOKENS.faults);
    const ids = json.history.map((item: Loose) => String(item.task.id));
    expect(ids).not.toContain('500000003');
    expect(ids).not.toContain('500000004');
  });
});

describe('accounts', () => {
  it("lists the token's accounts keyed by email, and one account with its balance", async () => {
    sim = await startSimulator({ scenario: 'multi' });
    const { status, json, text } = await getJson(sim, '/v1/kling/accounts', a);
    expect(status).toBe(200);
    expect(Object.keys(json)).toEqual(['alice@example.com', 'bob@example.com']);
    expect(json['alice@example.com']).toMatchObject({
      email: 'alice@example.com',
      maxJobs: 5,
      password: '…secured…',
    });
    expect(Object.keys(json['alice@example.com'].session)).toEqual(['userId', 'ExpireTime', 'ExpireTimeUTC']);
    expect(text).toContain('"userId":9007199254740997');
    const one = await getJson(sim, '/v1/kling/accounts/bob%40example.com', a);
    expect(one.json).toMatchObject({ email: 'bob@example.com', balance: 80 });
    expect((await getText(sim, '/v1/kling/accounts/carol%40example.com', a)).status).toBe(404);
    expect((await getText(sim, '/v1/kling/accounts', TOKENS.multiNone)).status).toBe(404);
  });
});

describe('assets', () => {
  it('pages the finished works with pageNum/pageSize and sorts', async () => {
    sim = await startSimulator({ scenario: 'multi' });
    const first = await getJson(sim, `/v1/kling/assets?email=${alice}&pageNum=1&pageSize=5`, a);
    expect(Object.keys(first.json)).toEqual(['limitations', 'history']);
    expect(first.json.history).toHaveLength(5);
    const third = await getJson(sim, `/v1/kling/assets?email=${alice}&pageNum=3&pageSize=5`, a);
    expect(third.json.history).toHaveLength(2); // 12 finished; the running one is not an asset
    const asc = await getJson(sim, `/v1/kling/assets?email=${alice}&pageSize=50&sort=asc`, a);
    const times = asc.json.history.map((item: Loose) => item.task.createTime);
    expect([...times].sort((x: number, y: number) => x - y)).toEqual(times);
    const videos = await getJson(sim, `/v1/kling/assets?email=${alice}&pageSize=50&contentType=video`, a);
    expect(videos.json.history).toHaveLength(9);
    expect((await getText(sim, `/v1/kling/assets?email=${alice}&sort=sideways`, a)).status).toBe(400);
  });
});

describe('assets/download', () => {
  it('gives a watermark-free copy served by the simulator, with different bytes', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    const task = (await getJson(sim, '/v1/kling/tasks/9007199254740993', TOKENS.basic)).json;
    const { status, json } = await getJson(
      sim,
      '/v1/kling/assets/download?workIds=9007199254740995&fileTypes=MP4',
      TOKENS.basic,
    );
    expect(status).toBe(200);
    expect(Object.keys(json)).toEqual(['cdnUrl', 'status']);
    expect(json.status).toBe('success');
    expect(json.cdnUrl.startsWith(`${sim.baseUrl}/media/`)).toBe(true);
    const clean = Buffer.from(await (await fetch(json.cdnUrl)).arrayBuffer());
    const marked = Buffer.from(await (await fetch(task.works[0].resource.resource)).arrayBuffer());
    expect(clean.length).toBeGreaterThan(1000);
    expect(clean.equals(marked)).toBe(false);
    expect(clean.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const image = await getJson(
      sim,
      '/v1/kling/assets/download?workIds=18446744073709551611&fileTypes=PNG',
      TOKENS.basic,
    );
    const png = Buffer.from(await (await fetch(image.json.cdnUrl)).arrayBuffer());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('zips several works into one file', async () => {
    sim = await startSimulator({ scenario: 'basic' });
    const ids = '18446744073709551611,18446744073709551612';
    const { json } = await getJson(
      sim,
      `/v1/kling/assets/download?workIds=${ids}&fileTypes=PNG`,
      TOKENS.basic,
    );
    const zip = Buffer.from(await (await fetch(json.cdnUrl)).arrayBuffer());
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(zip.toString('latin1')).toContain('18446744073709551612.png');
  });

  it('answers 400 Invalid parameters for bad ids or types and 402 for a free plan', async () => {
    sim = await startSimulator({ scenario: 'multi' });
    const bob = 'bob%40example.com';
    for (const query of [
      `email=${bob}&fileTypes=MP4`,
      `email=${bob}&workIds=abc&fileTypes=MP4`,
      `email=${bob}&workIds=1&fileTypes=MP4`,
      `email=${bob}&workIds=${sim.scenario.tasks.find((t) => t.id === '300000001')?.workIds[0]}&fileTypes=PNG`,
      `email=${bob}&workIds=${sim.scenario.tasks.find((t) => t.id === '300000001')?.workIds[0]}&fileTypes=GIF`,
    ]) {
      const answer = await getText(sim, `/v1/kling/assets/download?${query}`, a);
      expect(answer.status, query).toBe(400);
      expect(JSON.parse(answer.text)).toEqual({ error: 'Invalid parameters' });
    }
    const carolWork = sim.scenario.tasks.find((t) => t.id === '400000001')?.workIds[0];
    const free = await getText(
      sim,
      `/v1/kling/assets/download?workIds=${carolWork}&fileTypes=MP4`,
      TOKENS.multiB,
    );
    expect(free.status).toBe(402);
    expect(JSON.parse(free.text)).toEqual({ error: 'Subscription required' });
    // the work id of a generated work stays exact in the download answer's source task
    const bobTask = await getText(sim, '/v1/kling/tasks/300000001?email=bob@example.com', a);
    expect(rawField(bobTask.text, 'workId')).toBe(
      sim.scenario.tasks.find((t) => t.id === '300000001')?.workIds[0],
    );
  });
});
