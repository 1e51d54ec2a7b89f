// The named scenarios: tokens, accounts and the demo's live progression on a clock.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, TOKENS, type RunningSimulator } from '../../src/sim';
import { getJson, type Loose } from './helpers';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('scenarios', () => {
  it('multi: one token with two accounts, one with a single free-plan account, one with none', async () => {
    sim = await startSimulator({ scenario: 'multi' });
    expect(sim.scenario.tokens).toEqual([
      { token: TOKENS.multiA, emails: ['alice@example.com', 'bob@example.com'] },
      { token: TOKENS.multiB, emails: ['carol@example.com'] },
      { token: TOKENS.multiNone, emails: [] },
    ]);
    expect(sim.scenario.accounts.find((a) => a.email === 'carol@example.com')?.plan).toBe('free');
    for (const { token } of sim.scenario.tokens) expect(token).toMatch(/^user:\d+-[A-Za-z0-9]+$/);
  });

  it('demo: two accounts; live tasks progress on the clock and all end within 40 s, one failing with 7', async () => {
    let now = 1_760_000_000_000;
    sim = await startSimulator({ scenario: 'demo', now: () => now });
    const [demo] = sim.scenario.tokens;
    expect(demo?.emails).toEqual(['studio@example.com', 'sketches@example.com']);
    expect(sim.scenario.taskIds.length).toBeGreaterThanOrEqual(8);
    expect(sim.scenario.taskIds.length).toBeLessThanOrEqual(12);
    const read = async (): Promise<Loose[]> => {
      const all: Loose[] = [];
      for (const email of demo?.emails ?? []) {
        const { json } = await getJson(
          sim as RunningSimulator,
          `/v1/kling/tasks?email=${email}&pageSize=50`,
          demo?.token,
        );
        all.push(...json.history);
      }
      return all;
    };
    const atStart = await read();
    expect(atStart).toHaveLength(sim.scenario.taskIds.length);
    const running = atStart.filter((item) => !item.status_final).length;
    expect(running).toBeGreaterThanOrEqual(5);
    now += 15_000;
    const midway = await read();
    expect(midway.filter((item) => item.status_final).length).toBeGreaterThan(
      atStart.filter((i) => i.status_final).length,
    );
    expect(midway.some((item) => item.status === 10)).toBe(true);
    now += 25_000;
    const atEnd = await read();
    expect(atEnd.every((item) => item.status_final)).toBe(true);
    expect(atEnd.filter((item) => item.status === 7)).toHaveLength(1);
    const works = atEnd.flatMap((item) => item.works as Loose[]);
    expect(new Set(works.map((w) => w.contentType))).toEqual(new Set(['video', 'image']));
    const videos = works.filter((w) => w.contentType === 'video');
    expect(videos.some((w) => w.resource.height > w.resource.width)).toBe(true);
    expect(videos.some((w) => w.resource.width > w.resource.height)).toBe(true);
    const prompts = new Set(atEnd.map((item) => item.task.taskInfo.arguments[0].value));
    expect(prompts.size).toBe(atEnd.length);
  });

  it('refuses an unknown scenario and bad options clearly', async () => {
    await expect(startSimulator({ scenario: 'nope' as never })).rejects.toThrow(/unknown scenario nope/);
    await expect(startSimulator({ pollsPerStep: 0 })).rejects.toThrow(/pollsPerStep/);
    sim = await startSimulator({ scenario: 'basic' });
    expect(() => sim?.addTask({ id: '12x' })).toThrow(/decimal string/);
    expect(() => sim?.addTask({ id: '123456789' })).toThrow(/exists/);
    expect(() => sim?.addTask({ email: 'nobody@example.com' })).toThrow(/no account/);
    expect(() => sim?.addTask({ outcome: { failStatus: 99 } })).toThrow(/failStatus/);
  });
});
