// The simulator's arrivals: new tasks appear on their own, newest first, in a mix of states.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, TOKENS, type RunningSimulator } from '../../src/sim';
import { getJson } from './helpers';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('arrivals', () => {
  it('adds tasks every few ms on their own: finished, running, failed, queued', async () => {
    sim = await startSimulator({ scenario: 'empty', arrivals: { everyMs: 20 } });
    const deadline = Date.now() + 10_000;
    let history: Array<{ status: number; task: { createTime: number } }> = [];
    while (history.length < 5 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const { json } = await getJson(sim, '/v1/kling/tasks?pageSize=50', TOKENS.empty);
      history = json.history;
    }
    expect(history.length).toBeGreaterThanOrEqual(5);
    const statuses = new Set(history.map((task) => task.status));
    expect(statuses.has(99)).toBe(true);
    expect(statuses.has(7)).toBe(true);
    expect([...statuses].some((status) => status === 5 || status === 10)).toBe(true);
    // Newest first, never two in the same millisecond.
    const times = history.map((entry) => entry.task.createTime);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(times).size).toBe(times.length);
  });

  it('addArrival adds the next one now, for the account asked', async () => {
    sim = await startSimulator({ scenario: 'multi', arrivals: { everyMs: 0 } });
    const id = sim.addArrival('bob@example.com');
    expect(sim.scenario.tasks.find((task) => task.id === id)?.email).toBe('bob@example.com');
    expect(sim.requests()).toEqual([]);
  });
});
