// The named scenarios: which tokens, accounts, tasks and standing faults a fresh simulator starts with.
// Tokens here are made up for the simulator and are not secrets; they are printed at start.
import type { FaultRegistry } from './faults';
import type { SimState } from './tasks';
import type { ScenarioName, TaskSpec } from './types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const SCENARIO_NAMES: readonly ScenarioName[] = ['basic', 'multi', 'faults', 'demo', 'empty'];

export const TOKENS = {
  basic: 'user:1001-SimBasic7Token',
  multiA: 'user:2002-SimMultiA3x9',
  multiB: 'user:3003-SimSingleB5k2',
  multiNone: 'user:4004-SimNoAccounts0',
  faults: 'user:5005-SimFaults8q',
  demo: 'user:6006-SimDemo2024kA',
  empty: 'user:7007-SimEmpty1z',
} as const;

export function loadScenario(name: ScenarioName, state: SimState, faults: FaultRegistry): void {
  const now = state.now();
  const add = (spec: TaskSpec): void => {
    state.addTask(spec);
  };
  switch (name) {
    case 'basic': {
      const token = TOKENS.basic;
      state.addAccount({
        token,
        email: 'creator@example.com',
        userId: '12345',
        plan: 'paid',
        balance: 660,
        maxJobs: 5,
      });
      // The reference page's example: a finished portrait img2video task.
      add({
        token,
        id: '123456789',
        kind: 'img2video',
        prompt: 'A person dancing',
        duration: '5',
        klingVersion: '2.0',
        aspectRatio: '9:16',
        initialState: 'final',
        createTime: now - 2 * DAY,
        workIds: ['123456790'],
      });
      add({
        token,
        id: '9007199254740993',
        kind: 'txt2video',
        initialState: 'final',
        createTime: now - DAY,
        prompt: 'A lighthouse beam sweeping across a stormy sea at night, waves crashing on black rocks',
        aspectRatio: '16:9',
        duration: '10',
        workIds: ['9007199254740995'],
      });
      add({
        token,
        id: '1844674407370955161',
        kind: 'txt2img',
        initialState: 'final',
        createTime: now - 6 * HOUR,
        prompt: 'Isometric miniature diorama of a cozy ramen shop at night, warm lantern light, tilt-shift',
        workIds: [
          '18446744073709551611',
          '18446744073709551612',
          '18446744073709551613',
          '18446744073709551614',
        ],
      });
      add({
        token,
        id: '123456800',
        kind: 'txt2video',
        initialState: 'final',
        createTime: now - 3 * HOUR,
        prompt: 'A boxer taking a brutal hit in slow motion, blood spraying across the ring',
        outcome: { failStatus: 7 },
      });
      add({
        token,
        id: '18446744073709551615',
        kind: 'txt2video',
        initialState: 'processing',
        createTime: now - MINUTE,
        prompt: 'A vintage red tram climbing a steep street in Lisbon, late afternoon sun, handheld camera',
        aspectRatio: '16:9',
      });
      add({
        token,
        id: '1234567890123456789',
        kind: 'img2video',
        initialState: 'submitted',
        createTime: now,
        prompt: 'The colour bars melt into liquid and drip slowly downward like wet paint',
        aspectRatio: '16:9',
      });
      return;
    }
    case 'multi': {
      const a = TOKENS.multiA;
      state.addAccount({
        token: a,
        email: 'alice@example.com',
        userId: '23456',
        plan: 'paid',
        balance: 1200,
        maxJobs: 5,
      });
      state.addAccount({
        token: a,
        email: 'bob@example.com',
        userId: '9007199254740997',
        plan: 'paid',
        balance: 80,
        maxJobs: 3,
      });
      state.addAccount({
        token: TOKENS.multiB,
        email: 'carol@example.com',
        userId: '34567',
        plan: 'free',
        balance: 66,
        maxJobs: 1,
      });
      state.addToken(TOKENS.multiNone);
      // alice: twelve finished tasks an hour apart (for paging), then one running.
      for (let i = 1; i <= 12; i++) {
        const id = i % 2 === 1 ? String(200_000_000 + i) : (9_007_199_254_741_000n + BigInt(i)).toString();
        add({
          token: a,
          email: 'alice@example.com',
          id,
          kind: i % 4 === 0 ? 'txt2img' : 'txt2video',
          initialState: 'final',
          createTime: now - (13 - i) * HOUR,
          prompt: `Study ${i}: a glass marble rolling through a sunlit maze of wooden blocks`,
        });
      }
      add({
        token: a,
        email: 'alice@example.com',
        id: '200000013',
        kind: 'img2video',
        initialState: 'processing',
        createTime: now - MINUTE,
        prompt: 'The portrait subject blinks and looks towards the window',
      });
      add({
        token: a,
        email: 'bob@example.com',
        id: '300000001',
        kind: 'txt2video',
        initialState: 'final',
        createTime: now - 5 * HOUR,
        prompt: 'Time-lapse of clouds rolling over a mountain ridge',
        aspectRatio: '16:9',
      });
      add({
        token: a,
        email: 'bob@example.com',
        id: '9223372036854775807',
        kind: 'txt2video',
        initialState: 'final',
        createTime: now - 4 * HOUR,
        prompt: 'A crowd scene that the filter will not accept',
        outcome: { failStatus: 9 },
      });
      add({
        token: a,
        email: 'bob@example.com',
        id: '300000003',
        kind: 'txt2img',
        initialState: 'submitted',
        createTime: now - 10_000,
        prompt: 'Botanical illustration of a fern, ink and watercolour',
      });
      add({
        token: TOKENS.multiB,
        email: 'carol@example.com',
        id: '400000001',
        kind: 'txt2video',
        initialState: 'final',
        createTime: now - 2 * HOUR,
        prompt: 'A cat napping in a sunbeam, dust motes floating',
        aspectRatio: '9:16',
      });
      add({
        token: TOKENS.multiB,
        email: 'carol@example.com',
        id: '400000002',
        kind: 'img2video',
        initialState: 'final',
        createTime: now - HOUR,
        prompt: 'Make the statue walk',
        outcome: { failStatus: 50 },
      });
      return;
    }
    case 'faults': {
      const token = TOKENS.faults;
      state.addAccount({
        token,
        email: 'tester@example.com',
        userId: '56789',
        plan: 'paid',
        balance: 300,
        maxJobs: 5,
      });
      const base = { token, kind: 'txt2video' as const, initialState: 'final' as const };
      add({
        ...base,
        id: '500000001',
        createTime: now - 10 * HOUR,
        mediaBytes: 50 * 1024 * 1024,
        workIds: ['500000101'],
        prompt: 'A 50 MB video (generated bytes)',
      });
      add({
        ...base,
        id: '500000002',
        createTime: now - 9 * HOUR,
        mediaBytes: 2 * 1024 * 1024 * 1024,
        workIds: ['9007199254740999'],
        prompt: 'A 2 GB video (generated bytes)',
      });
      add({ ...base, id: '500000003', outcome: 'not-found', prompt: 'Always answers 404' });
      add({
        ...base,
        id: '500000004',
        initialState: 'submitted',
        outcome: { notFoundPolls: 3 },
        createTime: now,
        prompt: 'Answers 404 three times, then appears',
      });
      const failures = [6, 9, 50, 53, 58];
      failures.forEach((failStatus, i) =>
        add({
          ...base,
          id: String(500_000_005 + i),
          createTime: now - (8 - i) * HOUR,
          outcome: { failStatus },
          prompt: `Fails with status ${failStatus}`,
        }),
      );
      add({
        ...base,
        id: '500000010',
        initialState: 'submitted',
        createTime: now,
        prompt: 'Runs to success',
      });
      // Standing faults, each once: the first poll of 500000010 gets 429 then 503; the first history page is
      // broken JSON; the first generated-media GET is reset mid-body; the first demo-media GET is truncated.
      faults.add({ path: '/v1/kling/tasks/500000010', kind: 'rate-limit', retryAfterSeconds: 1 });
      faults.add({ path: '/v1/kling/tasks/500000010', kind: 'server-error', status: 503 });
      faults.add({ path: '/v1/kling/tasks$', kind: 'malformed-json' });
      faults.add({ path: '/media/gen/', kind: 'reset-mid-body', afterBytes: 1024 * 1024 });
      faults.add({ path: '/media/demo/', kind: 'truncate-body' });
      return;
    }
    case 'demo': {
      const token = TOKENS.demo;
      const studio = 'studio@example.com';
      const sketches = 'sketches@example.com';
      state.addAccount({ token, email: studio, userId: '67890', plan: 'paid', balance: 2480, maxJobs: 5 });
      state.addAccount({
        token,
        email: sketches,
        userId: '9007199254741011',
        plan: 'paid',
        balance: 540,
        maxJobs: 3,
      });
      const done = { token, initialState: 'final' as const };
      add({
        ...done,
        email: studio,
        id: '7300000001',
        kind: 'txt2video',
        aspectRatio: '16:9',
        duration: '10',
        createTime: now - 26 * HOUR,
        prompt:
          'Aerial shot gliding over a misty pine forest at sunrise, golden light breaking through the fog',
      });
      add({
        ...done,
        email: studio,
        id: '7300000002',
        kind: 'img2video',
        aspectRatio: '9:16',
        createTime: now - 20 * HOUR,
        prompt: 'The woman in the portrait slowly turns her head and smiles, hair moving in a gentle breeze',
      });
      add({
        ...done,
        email: studio,
        id: '7300000003',
        kind: 'txt2img',
        createTime: now - 5 * HOUR,
        prompt: 'Isometric miniature diorama of a cozy ramen shop at night, warm lantern light, tilt-shift',
      });
      add({
        ...done,
        email: sketches,
        id: '9007199254741021',
        kind: 'txt2video',
        aspectRatio: '9:16',
        createTime: now - 3 * HOUR,
        prompt: 'A paper origami crane unfolding itself on a wooden desk, stop-motion style',
      });
      // Live ones: created now, each on its own clock (final after 2 steps: 14-40 s).
      const live = { token, createTime: now, initialState: 'submitted' as const };
      add({
        ...live,
        email: studio,
        id: '7300000004',
        kind: 'txt2video',
        aspectRatio: '16:9',
        stepMs: 9_000,
        prompt: 'A vintage red tram climbing a steep street in Lisbon, late afternoon sun, handheld camera',
      });
      add({
        ...live,
        email: studio,
        id: '7300000005',
        kind: 'img2video',
        aspectRatio: '9:16',
        duration: '10',
        stepMs: 12_000,
        prompt: 'Koi fish circling in a moonlit pond, ripples catching silver light, slow motion',
      });
      add({
        ...live,
        email: studio,
        id: '7300000006',
        kind: 'txt2video',
        aspectRatio: '16:9',
        stepMs: 16_000,
        // Untidy like the real service: this one announces no ETA while it runs.
        etaUnknown: true,
        prompt: 'Macro shot of ink drops blooming in water, swirling clouds of indigo and magenta',
      });
      add({
        ...live,
        email: studio,
        id: '7300000007',
        kind: 'txt2video',
        aspectRatio: '16:9',
        stepMs: 7_000,
        prompt: 'A boxer taking a brutal hit in slow motion, blood spraying across the ring',
        outcome: { failStatus: 7 },
      });
      add({
        ...live,
        email: sketches,
        id: '9007199254741023',
        kind: 'txt2img',
        stepMs: 10_000,
        prompt: 'Watercolor illustration of a lighthouse on a cliff during a storm, dramatic waves',
      });
      add({
        ...live,
        email: sketches,
        id: '18446744073709551557',
        kind: 'txt2video',
        aspectRatio: '16:9',
        duration: '10',
        stepMs: 20_000,
        prompt: 'Neon-lit cyberpunk alley in the rain, a cat walking past flickering signs, cinematic',
      });
      add({
        ...live,
        email: sketches,
        id: '9007199254741025',
        kind: 'img2video',
        aspectRatio: '16:9',
        stepMs: 14_000,
        prompt: 'The colour bars melt into liquid and drip slowly downward like wet paint',
      });
      return;
    }
    case 'empty': {
      state.addAccount({
        token: TOKENS.empty,
        email: 'empty@example.com',
        userId: '78901',
        plan: 'paid',
        balance: 100,
        maxJobs: 5,
      });
      return;
    }
    default:
      throw new Error(`unknown scenario ${String(name)}; use one of ${SCENARIO_NAMES.join(', ')}`);
  }
}
