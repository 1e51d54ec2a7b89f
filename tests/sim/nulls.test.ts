// The simulator's `nulls` option: answers full of nulls, undocumented fields and keys in another
// order, which the project's own model still reads to the same task.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, TOKENS, type RunningSimulator } from '../../src/sim';
import {
  interpretStatus,
  parseHistoryResponse,
  parseTaskResponse,
  readTaskFacts,
} from '../../src/shared/useapi';
import { getJson } from './helpers';

let sims: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((sim) => sim.close()));
  sims = [];
});

async function start(nulls: boolean) {
  const sim = await startSimulator({ scenario: 'basic', nulls });
  sims.push(sim);
  return sim;
}

describe('nulls', () => {
  it('answers with nulls, unknown fields and reversed keys, and the model reads the same task', async () => {
    const spec = { id: '9007199254740995', kind: 'img2video' as const, initialState: 'final' as const };
    const [plainSim, nullSim] = [await start(false), await start(true)];
    plainSim.addTask(spec);
    nullSim.addTask(spec);
    const plain = await getJson(plainSim, `/v1/kling/tasks/${spec.id}`, TOKENS.basic);
    const nulled = await getJson(nullSim, `/v1/kling/tasks/${spec.id}`, TOKENS.basic);
    expect(nulled.status).toBe(200);
    for (const key of ['etaTime', 'message']) expect(nulled.json[key]).toBeNull();
    expect(nulled.json.task.scene).toBeNull();
    expect(nulled.json.task.viewTime).toBeNull();
    expect(nulled.json.works[0].selfComment).toBeNull();
    expect(nulled.json.works[0].downloadInfo).toBeNull();
    expect(nulled.json.works[0].publishTime).toBeNull();
    expect(nulled.json.undocumentedField).toBeNull();
    expect(Object.keys(nulled.json)[0]).toBe('futureFeature');
    expect(nulled.text).toContain('"id":9007199254740995');

    const a = parseTaskResponse(plain.text);
    const b = parseTaskResponse(nulled.text);
    if (!a.ok || !b.ok) throw new Error(`${a.ok ? '' : a.problem} ${b.ok ? '' : b.problem}`);
    expect(interpretStatus(b.value)).toEqual(interpretStatus(a.value));
    // The two simulators differ only in their port, which the input image's URL carries.
    const facts = (value: typeof a.value, sim: RunningSimulator) =>
      JSON.stringify(readTaskFacts(value)).replaceAll(sim.baseUrl, 'SIM');
    expect(facts(b.value, nullSim)).toBe(facts(a.value, plainSim));
    expect(b.value.works?.map((w) => [w.workId, w.resource?.resource !== undefined])).toEqual(
      a.value.works?.map((w) => [w.workId, true]),
    );
  });

  it('keeps a running task’s ETA (null only when it says nothing)', async () => {
    const sim = await start(true);
    const id = sim.addTask({ initialState: 'processing' });
    const answer = await getJson(sim, `/v1/kling/tasks/${id}`, TOKENS.basic);
    expect(answer.json.etaTime).toBeGreaterThan(answer.json.currentTimestamp);
    expect(answer.json.queuingEtaTime).toBeNull(); // 0 once queuing is over
  });

  it('history pages too', async () => {
    const sim = await start(true);
    sim.addTask({ initialState: 'final' });
    const page = await getJson(sim, '/v1/kling/tasks?email=creator@example.com', TOKENS.basic);
    // A final task's ETA says nothing: null (the scenario's running tasks keep theirs).
    const final = page.json.history.filter((entry: { status_final: boolean }) => entry.status_final);
    expect(final.length).toBeGreaterThan(0);
    for (const entry of final) expect(entry.etaTime).toBeNull();
    expect(parseHistoryResponse(page.text).ok).toBe(true);
  });
});
