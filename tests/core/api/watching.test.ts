// Watching through the contract: the headless API with the real engine and watcher, the simulator
// over real HTTP, a real library; the watcher's clock is manual.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContractEvent } from '../../../src/core/api/event-bus';
import { createHeadlessApi } from '../../../src/server/headless';
import { startSimulator, TOKENS, type RunningSimulator } from '../../../src/sim';
import { ManualTimers } from '../sync/manual-timers';
import { waitUntil } from '../../support/wait-until';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function ok<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const until = (condition: () => boolean) => waitUntil(condition);

async function setup() {
  const root = mkdtempSync(join(tmpdir(), 'kling-watching-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const sim: RunningSimulator = await startSimulator({
    scenario: 'empty',
    arrivals: { everyMs: 0, mediaBytes: 10_000 },
  });
  cleanups.push(() => sim.close());
  const timers = new ManualTimers();
  const { api, engine } = createHeadlessApi({
    configDir: join(root, 'config'),
    libraryFolder: join(root, 'library'),
    apiBase: sim.baseUrl,
    env: {},
    version: '0.0.0-test',
    syncEngine: { requestTimeoutMs: 2_000, pollPolicy: { firstPollMs: 10, minIntervalMs: 30, jitter: 0 } },
    watch: { timers },
  });
  if (!engine) throw new Error('no engine');
  cleanups.push(async () => {
    await engine.close();
    await api.close();
  });
  const events: ContractEvent[] = [];
  api.events.subscribe((event) => events.push(event));
  engine.start();
  const account = ok(
    await api.call('accounts.add', { email: 'empty@example.com', credentials: { token: TOKENS.empty } }),
  );
  return { api, sim, timers, events, account, engine };
}

describe('watching through the contract', () => {
  it('a new account is watched at once; status, Check now, the switch and the interval all work', async () => {
    const { api, sim, timers, events, account } = await setup();
    const listings = () => sim.requests().filter((r) => r.path === '/v1/kling/tasks').length;
    // Added: checked at once (catching up), then every 5 minutes (the default).
    timers.advance(0);
    await until(() => listings() === 1);
    await until(() => (lastStatus(events)?.lastCheckedAt ?? null) !== null);

    const id = sim.addArrival('empty@example.com');
    ok(await api.call('watch.checkNow', { accountId: account.id }));
    expect(listings()).toBeGreaterThanOrEqual(2);
    await until(() => events.some((e) => e.name === 'file.archived' && e.payload.taskId === id));
    await until(() => (lastStatus(events)?.arrivedToday ?? 0) === 1);
    const status = ok(await api.call('watch.status', {}));
    expect(status.paused).toBe(false);
    expect(status.accounts[0]).toMatchObject({
      accountId: account.id,
      watching: true,
      checking: false,
      lastError: null,
      arrivedToday: 1,
      nextCheckAt: timers.now() + 5 * 60_000,
    });

    // A longer interval moves the next check.
    ok(await api.call('settings.update', { watching: { intervalMinutes: 60 } }));
    expect(ok(await api.call('watch.status', {})).accounts[0]?.nextCheckAt).toBe(timers.now() + 60 * 60_000);

    // Switched off: no more checks.
    const updated = ok(await api.call('accounts.update', { id: account.id, watch: false }));
    expect(updated.watch).toBe(false);
    expect(ok(await api.call('watch.status', {})).accounts[0]).toMatchObject({
      watching: false,
      nextCheckAt: null,
    });
    const before = listings();
    timers.advance(24 * 60 * 60_000);
    expect(listings()).toBe(before);
    expect((await api.call('watch.checkNow', { accountId: 'a-nobody' })).ok).toBe(false);
  });
});

describe('pausing archiving (the tray)', () => {
  it('stops every check until resumed, then checks at once', async () => {
    const { api, sim, timers, engine } = await setup();
    const listings = () => sim.requests().filter((r) => r.path === '/v1/kling/tasks').length;
    timers.advance(0);
    await until(() => listings() >= 1);
    engine.setWatchingPaused(true);
    const status = ok(await api.call('watch.status', {}));
    expect(status.paused).toBe(true);
    expect(status.accounts[0]).toMatchObject({ watching: false, nextCheckAt: null });
    timers.advance(24 * 60 * 60_000);
    expect(listings()).toBe(1);

    engine.setWatchingPaused(false);
    timers.advance(0);
    await until(() => listings() === 2);
    expect(ok(await api.call('watch.status', {})).paused).toBe(false);
  });
});

function lastStatus(events: ContractEvent[]) {
  const statuses = events.filter((e) => e.name === 'watch.status');
  const last = statuses.at(-1);
  return last?.name === 'watch.status' ? last.payload : undefined;
}
