// The named scenarios: which tokens, accounts, tasks and standing faults a fresh simulator starts with.
// Tokens here are made up for the simulator and are not secrets; they are printed at start.
import type { FaultRegistry } from './faults';
import type { SimState } from './tasks';
import type { FaultSpec, ScenarioName, TaskSpec } from './types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const TOKENS = {
  basic: 'user:1001-SimBasic7Token',
  multiA: 'user:2002-SimMultiA3x9',
  multiB: 'user:3003-SimSingleB5k2',
  multiNone: 'user:4004-SimNoAccounts0',
  faults: 'user:5005-SimFaults8q',
  demo: 'user:6006-SimDemo2024kA',
  empty: 'user:7007-SimEmpty1z',
} as const;

/** A task of a scenario, created `agoMs` before the simulator starts (absent: when it is added). */
type ScenarioTask = Omit<TaskSpec, 'createTime'> & { agoMs?: number };

/** What a scenario starts with; `loadScenario` adds it to a fresh simulator, in this order. */
interface ScenarioDefinition {
  accounts: Parameters<SimState['addAccount']>[0][];
  /** Tokens with no Kling account under them. */
  accountlessTokens?: string[];
  tasks: ScenarioTask[];
  /** Standing faults, each answered once. */
  faults?: FaultSpec[];
}

const BASIC: ScenarioDefinition = {
  accounts: [
    {
      token: TOKENS.basic,
      email: 'creator@example.com',
      userId: '12345',
      plan: 'paid',
      balance: 660,
      maxJobs: 5,
    },
  ],
  tasks: [
    // The reference page's example: a finished portrait img2video task.
    {
      token: TOKENS.basic,
      id: '123456789',
      kind: 'img2video',
      prompt: 'A person dancing',
      duration: '5',
      klingVersion: '2.0',
      aspectRatio: '9:16',
      initialState: 'final',
      agoMs: 2 * DAY,
      workIds: ['123456790'],
    },
    {
      token: TOKENS.basic,
      id: '9007199254740993',
      kind: 'txt2video',
      initialState: 'final',
      agoMs: DAY,
      prompt: 'A lighthouse beam sweeping across a stormy sea at night, waves crashing on black rocks',
      aspectRatio: '16:9',
      duration: '10',
      workIds: ['9007199254740995'],
    },
    {
      token: TOKENS.basic,
      id: '1844674407370955161',
      kind: 'txt2img',
      initialState: 'final',
      agoMs: 6 * HOUR,
      prompt: 'Isometric miniature diorama of a cozy ramen shop at night, warm lantern light, tilt-shift',
      workIds: [
        '18446744073709551611',
        '18446744073709551612',
        '18446744073709551613',
        '18446744073709551614',
      ],
    },
    {
      token: TOKENS.basic,
      id: '123456800',
      kind: 'txt2video',
      initialState: 'final',
      agoMs: 3 * HOUR,
      prompt: 'A boxer taking a brutal hit in slow motion, blood spraying across the ring',
      outcome: { failStatus: 7 },
    },
    {
      token: TOKENS.basic,
      id: '18446744073709551615',
      kind: 'txt2video',
      initialState: 'processing',
      agoMs: MINUTE,
      prompt: 'A vintage red tram climbing a steep street in Lisbon, late afternoon sun, handheld camera',
      aspectRatio: '16:9',
    },
    {
      token: TOKENS.basic,
      id: '1234567890123456789',
      kind: 'img2video',
      initialState: 'submitted',
      agoMs: 0,
      prompt: 'The colour bars melt into liquid and drip slowly downward like wet paint',
      aspectRatio: '16:9',
    },
  ],
};

/** alice's twelve finished tasks an hour apart (for paging); the even ones have ids above 2^53. */
const aliceStudies = (): ScenarioTask[] =>
  Array.from({ length: 12 }, (_, index) => {
    const i = index + 1;
    return {
      token: TOKENS.multiA,
      email: 'alice@example.com',
      id: i % 2 === 1 ? String(200_000_000 + i) : (9_007_199_254_741_000n + BigInt(i)).toString(),
      kind: i % 4 === 0 ? 'txt2img' : 'txt2video',
      initialState: 'final',
      agoMs: (13 - i) * HOUR,
      prompt: `Study ${i}: a glass marble rolling through a sunlit maze of wooden blocks`,
    };
  });

const MULTI: ScenarioDefinition = {
  accounts: [
    {
      token: TOKENS.multiA,
      email: 'alice@example.com',
      userId: '23456',
      plan: 'paid',
      balance: 1200,
      maxJobs: 5,
    },
    {
      token: TOKENS.multiA,
      email: 'bob@example.com',
      userId: '9007199254740997',
      plan: 'paid',
      balance: 80,
      maxJobs: 3,
    },
    {
      token: TOKENS.multiB,
      email: 'carol@example.com',
      userId: '34567',
      plan: 'free',
      balance: 66,
      maxJobs: 1,
    },
  ],
  accountlessTokens: [TOKENS.multiNone],
  tasks: [
    // alice: the studies, then one running.
    ...aliceStudies(),
    {
      token: TOKENS.multiA,
      email: 'alice@example.com',
      id: '200000013',
      kind: 'img2video',
      initialState: 'processing',
      agoMs: MINUTE,
      prompt: 'The portrait subject blinks and looks towards the window',
    },
    {
      token: TOKENS.multiA,
      email: 'bob@example.com',
      id: '300000001',
      kind: 'txt2video',
      initialState: 'final',
      agoMs: 5 * HOUR,
      prompt: 'Time-lapse of clouds rolling over a mountain ridge',
      aspectRatio: '16:9',
    },
    {
      token: TOKENS.multiA,
      email: 'bob@example.com',
      id: '9223372036854775807',
      kind: 'txt2video',
      initialState: 'final',
      agoMs: 4 * HOUR,
      prompt: 'A crowd scene that the filter will not accept',
      outcome: { failStatus: 9 },
    },
    {
      token: TOKENS.multiA,
      email: 'bob@example.com',
      id: '300000003',
      kind: 'txt2img',
      initialState: 'submitted',
      agoMs: 10_000,
      prompt: 'Botanical illustration of a fern, ink and watercolour',
    },
    {
      token: TOKENS.multiB,
      email: 'carol@example.com',
      id: '400000001',
      kind: 'txt2video',
      initialState: 'final',
      agoMs: 2 * HOUR,
      prompt: 'A cat napping in a sunbeam, dust motes floating',
      aspectRatio: '9:16',
    },
    {
      token: TOKENS.multiB,
      email: 'carol@example.com',
      id: '400000002',
      kind: 'img2video',
      initialState: 'final',
      agoMs: HOUR,
      prompt: 'Make the statue walk',
      outcome: { failStatus: 50 },
    },
  ],
};

const FAULT_TASK = { token: TOKENS.faults, kind: 'txt2video', initialState: 'final' } as const;

const FAULTS: ScenarioDefinition = {
  accounts: [
    {
      token: TOKENS.faults,
      email: 'tester@example.com',
      userId: '56789',
      plan: 'paid',
      balance: 300,
      maxJobs: 5,
    },
  ],
  tasks: [
    {
      ...FAULT_TASK,
      id: '500000001',
      agoMs: 10 * HOUR,
      mediaBytes: 50 * 1024 * 1024,
      workIds: ['500000101'],
      prompt: 'A 50 MB video (generated bytes)',
    },
    {
      ...FAULT_TASK,
      id: '500000002',
      agoMs: 9 * HOUR,
      mediaBytes: 2 * 1024 * 1024 * 1024,
      workIds: ['9007199254740999'],
      prompt: 'A 2 GB video (generated bytes)',
    },
    { ...FAULT_TASK, id: '500000003', outcome: 'not-found', prompt: 'Always answers 404' },
    {
      ...FAULT_TASK,
      id: '500000004',
      initialState: 'submitted',
      outcome: { notFoundPolls: 3 },
      agoMs: 0,
      prompt: 'Answers 404 three times, then appears',
    },
    ...[6, 9, 50, 53, 58].map((failStatus, i) => ({
      ...FAULT_TASK,
      id: String(500_000_005 + i),
      agoMs: (8 - i) * HOUR,
      outcome: { failStatus },
      prompt: `Fails with status ${failStatus}`,
    })),
    {
      ...FAULT_TASK,
      id: '500000010',
      initialState: 'submitted',
      agoMs: 0,
      prompt: 'Runs to success',
    },
  ],
  // The first poll of 500000010 gets 429 then 503; the first history page is broken JSON; the first
  // generated-media GET is reset mid-body; the first demo-media GET is truncated.
  faults: [
    { path: '/v1/kling/tasks/500000010', kind: 'rate-limit', retryAfterSeconds: 1 },
    { path: '/v1/kling/tasks/500000010', kind: 'server-error', status: 503 },
    { path: '/v1/kling/tasks$', kind: 'malformed-json' },
    { path: '/media/gen/', kind: 'reset-mid-body', afterBytes: 1024 * 1024 },
    { path: '/media/demo/', kind: 'truncate-body' },
  ],
};

const studio = 'studio@example.com';
const sketches = 'sketches@example.com';
const done = { token: TOKENS.demo, initialState: 'final' } as const;
// Live ones: created now, each on its own clock (final after 2 steps: 14-40 s).
const live = { token: TOKENS.demo, agoMs: 0, initialState: 'submitted' } as const;

const DEMO: ScenarioDefinition = {
  accounts: [
    { token: TOKENS.demo, email: studio, userId: '67890', plan: 'paid', balance: 2480, maxJobs: 5 },
    {
      token: TOKENS.demo,
      email: sketches,
      userId: '9007199254741011',
      plan: 'paid',
      balance: 540,
      maxJobs: 3,
    },
  ],
  tasks: [
    {
      ...done,
      email: studio,
      id: '7300000001',
      kind: 'txt2video',
      aspectRatio: '16:9',
      duration: '10',
      agoMs: 26 * HOUR,
      prompt:
        'Aerial shot gliding over a misty pine forest at sunrise, golden light breaking through the fog',
    },
    {
      ...done,
      email: studio,
      id: '7300000002',
      kind: 'img2video',
      aspectRatio: '9:16',
      agoMs: 20 * HOUR,
      prompt: 'The woman in the portrait slowly turns her head and smiles, hair moving in a gentle breeze',
    },
    {
      ...done,
      email: studio,
      id: '7300000003',
      kind: 'txt2img',
      agoMs: 5 * HOUR,
      prompt: 'Isometric miniature diorama of a cozy ramen shop at night, warm lantern light, tilt-shift',
    },
    {
      ...done,
      email: sketches,
      id: '9007199254741021',
      kind: 'txt2video',
      aspectRatio: '9:16',
      agoMs: 3 * HOUR,
      prompt: 'A paper origami crane unfolding itself on a wooden desk, stop-motion style',
    },
    {
      ...live,
      email: studio,
      id: '7300000004',
      kind: 'txt2video',
      aspectRatio: '16:9',
      stepMs: 9_000,
      prompt: 'A vintage red tram climbing a steep street in Lisbon, late afternoon sun, handheld camera',
    },
    {
      ...live,
      email: studio,
      id: '7300000005',
      kind: 'img2video',
      aspectRatio: '9:16',
      duration: '10',
      stepMs: 12_000,
      prompt: 'Koi fish circling in a moonlit pond, ripples catching silver light, slow motion',
    },
    {
      ...live,
      email: studio,
      id: '7300000006',
      kind: 'txt2video',
      aspectRatio: '16:9',
      stepMs: 16_000,
      // Untidy like the real service: this one announces no ETA while it runs.
      etaUnknown: true,
      prompt: 'Macro shot of ink drops blooming in water, swirling clouds of indigo and magenta',
    },
    {
      ...live,
      email: studio,
      id: '7300000007',
      kind: 'txt2video',
      aspectRatio: '16:9',
      stepMs: 7_000,
      prompt: 'A boxer taking a brutal hit in slow motion, blood spraying across the ring',
      outcome: { failStatus: 7 },
    },
    {
      ...live,
      email: sketches,
      id: '9007199254741023',
      kind: 'txt2img',
      stepMs: 10_000,
      prompt: 'Watercolor illustration of a lighthouse on a cliff during a storm, dramatic waves',
    },
    {
      ...live,
      email: sketches,
      id: '18446744073709551557',
      kind: 'txt2video',
      aspectRatio: '16:9',
      duration: '10',
      stepMs: 20_000,
      prompt: 'Neon-lit cyberpunk alley in the rain, a cat walking past flickering signs, cinematic',
    },
    {
      ...live,
      email: sketches,
      id: '9007199254741025',
      kind: 'img2video',
      aspectRatio: '16:9',
      stepMs: 14_000,
      prompt: 'The colour bars melt into liquid and drip slowly downward like wet paint',
    },
  ],
};

const EMPTY: ScenarioDefinition = {
  accounts: [
    {
      token: TOKENS.empty,
      email: 'empty@example.com',
      userId: '78901',
      plan: 'paid',
      balance: 100,
      maxJobs: 5,
    },
  ],
  tasks: [],
};

/** The named scenarios, as data. */
export const SCENARIOS: Readonly<Record<ScenarioName, ScenarioDefinition>> = {
  basic: BASIC,
  multi: MULTI,
  faults: FAULTS,
  demo: DEMO,
  empty: EMPTY,
};

export const SCENARIO_NAMES = Object.keys(SCENARIOS) as readonly ScenarioName[];

export function loadScenario(name: ScenarioName, state: SimState, faults: FaultRegistry): void {
  const scenario = Object.hasOwn(SCENARIOS, name) ? SCENARIOS[name] : undefined;
  if (!scenario) throw new Error(`unknown scenario ${String(name)}; use one of ${SCENARIO_NAMES.join(', ')}`);
  const now = state.now();
  for (const account of scenario.accounts) state.addAccount(account);
  for (const token of scenario.accountlessTokens ?? []) state.addToken(token);
  for (const { agoMs, ...task } of scenario.tasks) {
    state.addTask(agoMs === undefined ? task : { ...task, createTime: now - agoMs });
  }
  for (const fault of scenario.faults ?? []) faults.add(fault);
}
