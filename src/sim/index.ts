// The useapi.net Kling API simulator: a real HTTP server on 127.0.0.1 for the client tests, the sync
// engine tests, the browser end-to-end tests and the product's demo mode. See README.md beside this file.
import { Arrivals } from './arrivals';
import { loadScenario, SCENARIO_NAMES } from './scenarios';
import { SimServer } from './server';
import { SimState, type SimTask } from './tasks';
import type { RunningSimulator, ScenarioInfo, ScenarioName, ScenarioTask, SimulatorOptions } from './types';

export type * from './types';
export { SCENARIO_NAMES, TOKENS } from './scenarios';

function describeOutcome(task: SimTask): string {
  switch (task.outcome.kind) {
    case 'succeed':
      return 'succeed';
    case 'fail':
      return `fail ${task.outcome.status}`;
    case 'not-found':
      return 'not-found';
    case 'late':
      return `not-found x${task.outcome.notFoundPolls}`;
  }
}

function describeTask(task: SimTask): ScenarioTask {
  return {
    id: task.id,
    token: task.token,
    email: task.email,
    kind: task.kind,
    outcome: describeOutcome(task),
    initialStep: task.initialStep,
    workIds: task.works.map((work) => work.workId),
  };
}

function scenarioInfo(name: ScenarioName, state: SimState): ScenarioInfo {
  const tasks = [...state.tasks.values()];
  return {
    name,
    tokens: [...state.tokens].map(([token, accounts]) => ({ token, emails: accounts.map((a) => a.email) })),
    accounts: state.accounts.map(({ token, email, userId, plan }) => ({ token, email, userId, plan })),
    taskIds: tasks.map((task) => task.id),
    tasks: tasks.map(describeTask),
  };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const name = options.scenario ?? 'basic';
  if (!SCENARIO_NAMES.includes(name))
    throw new Error(`unknown scenario ${name}; use one of ${SCENARIO_NAMES.join(', ')}`);
  const pollsPerStep = options.pollsPerStep ?? 1;
  if (!Number.isInteger(pollsPerStep) || pollsPerStep < 1)
    throw new Error('pollsPerStep must be an integer >= 1');
  const stepMs = options.stepMs ?? 10_000;
  if (!Number.isFinite(stepMs) || stepMs <= 0) throw new Error('stepMs must be > 0');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('port must be 0-65535');
  const state = new SimState({
    progression: options.progression ?? (name === 'demo' ? 'clock' : 'per-poll'),
    pollsPerStep,
    stepMs,
    now: options.now ?? Date.now,
    nulls: options.nulls === true,
  });
  const sim = new SimServer(state, options.onRequest);
  loadScenario(name, state, sim.faults);
  const scenario = scenarioInfo(name, state);
  const { everyMs: arrivalsEveryMs, ...arrivalOptions } = options.arrivals ?? { everyMs: 0 };
  const arrivals = new Arrivals(state, arrivalOptions);

  const running: RunningSimulator = {
    baseUrl: '',
    port: 0,
    scenario,
    addTask(spec) {
      const task = state.addTask(spec);
      scenario.taskIds.push(task.id);
      scenario.tasks.push(describeTask(task));
      return task.id;
    },
    injectFault: (fault) => sim.faults.add(fault),
    clearFaults: () => sim.faults.clear(),
    requests: () => sim.requests(),
    clearRequests: () => sim.clearRequests(),
    advanceTask: (id, steps = 1) => state.advance(id, steps),
    addArrival(email) {
      const id = arrivals.next(email);
      const task = state.tasks.get(id);
      if (task) {
        scenario.taskIds.push(id);
        scenario.tasks.push(describeTask(task));
      }
      return id;
    },
    address: () => sim.address(),
    addAccount(token, email) {
      const userId = String(9_000_000 + state.accounts.length);
      state.addAccount({ token, email, userId, plan: 'paid', balance: 100, maxJobs: 10 });
    },
    revokeToken(token) {
      state.tokens.delete(token);
    },
    close: () => {
      arrivals.stop();
      return sim.close();
    },
  };
  sim.control = {
    info: () => scenario,
    addTask: (spec) => running.addTask(spec),
    advanceTask: (id, steps) => running.advanceTask(id, steps),
    injectFault: (fault) => running.injectFault(fault),
    clearFaults: () => running.clearFaults(),
    listFaults: () => sim.faults.list(),
    requests: () => running.requests(),
    clearRequests: () => running.clearRequests(),
  };
  await sim.listen(port);
  if (options.arrivals && arrivalsEveryMs > 0) arrivals.start(arrivalsEveryMs, () => running.addArrival());
  running.port = sim.port;
  running.baseUrl = sim.baseUrl;
  return running;
}
