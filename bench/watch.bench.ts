// The cost of watching: requests per hour per idle account, and CPU while 10 watched accounts wait.
// The real engine and watcher against the simulator (in this process, so its CPU counts too).
// Run: npx tsx bench/watch.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WatchStateStore, openLibrary } from '../src/core/library';
import { defaultSettings } from '../src/core/settings';
import { SyncEngine, Watcher, watchEngineOf, type CheckOutcome } from '../src/core/sync';
import { startSimulator, TOKENS } from '../src/sim';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10);
const TASKS_PER_ACCOUNT = Number(process.env.BENCH_TASKS ?? 30);
const IDLE_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const defaults = defaultSettings({ home: tmpdir() }).watching;
const INTERVAL_MS = defaults.intervalMinutes * 60_000;
const BUDGET_PER_HOUR = defaultSettings({ home: tmpdir() }).polling.maxRequestsPerMinute * 60;

const sim = await startSimulator({ scenario: 'empty' });
const dir = mkdtempSync(path.join(tmpdir(), 'ka-bench-watch-'));
const library = openLibrary(dir, { sidecars: false });
const emails = Array.from({ length: ACCOUNTS }, (_, i) => `watched${i + 1}@example.com`);
for (const email of emails) sim.addAccount(TOKENS.empty, email);
// A history per account, all finished (no media to fetch: the engine keeps no inputs or files here).
for (const email of emails) {
  for (let i = 0; i < TASKS_PER_ACCOUNT; i++)
    sim.addTask({
      token: TOKENS.empty,
      email,
      initialState: 'final',
      outcome: { failStatus: 7 },
      createTime: Date.now() - (i + 1) * 60_000,
    });
}
const accounts = emails.map((email, i) => ({ accountId: `w${i + 1}`, email, token: TOKENS.empty }));
const engine = new SyncEngine({
  library,
  accounts,
  apiBase: sim.baseUrl,
  requestsPerSecond: 50,
  lock: false,
});
const watcher = new Watcher({
  engine: watchEngineOf(engine),
  store: new WatchStateStore(library.db),
  accounts: accounts.map(({ accountId, email }) => ({ accountId, email, watch: true })),
  intervalMs: INTERVAL_MS,
  catchUpDays: defaults.catchUpDays,
});
const checked = (count: number) =>
  new Promise<CheckOutcome[]>((resolve) => {
    const seen: CheckOutcome[] = [];
    const stop = watcher.subscribe((event) => {
      if (event.name !== 'watch.checked') return;
      seen.push(event.payload);
      if (seen.length === count) {
        stop();
        resolve(seen);
      }
    });
  });
try {
  engine.start();
  const first = checked(ACCOUNTS);
  const catchUpStart = performance.now();
  watcher.start(); // catches up every account at once
  const caught = await first;
  console.log(
    `catch-up on start    ${ACCOUNTS} accounts × ${TASKS_PER_ACCOUNT} tasks in ${((performance.now() - catchUpStart) / 1000).toFixed(2)} s, ` +
      `${caught.reduce((n, o) => n + o.pages, 0)} pages`,
  );

  // Quiet checks: nothing new anywhere. Requests per check, and the CPU one round of checks costs.
  sim.clearRequests();
  const cpuChecks = process.cpuUsage();
  const checksStart = performance.now();
  for (let round = 0; round < ROUNDS; round++) await watcher.checkNow();
  const checkCpu = process.cpuUsage(cpuChecks);
  const checkSeconds = (performance.now() - checksStart) / 1000;
  const requests = sim.requests().filter((r) => r.path.startsWith('/v1/kling/'));
  const perCheck = requests.length / (ROUNDS * ACCOUNTS);
  const perHour = perCheck * (3_600_000 / INTERVAL_MS);
  const cpuPerRoundMs = (checkCpu.user + checkCpu.system) / 1000 / ROUNDS;
  console.log(
    `requests per quiet check   ${perCheck.toFixed(2)} per account (${requests.length} over ${ROUNDS} rounds of ${ACCOUNTS})`,
  );
  console.log(
    `requests/hour per idle account   ${perHour.toFixed(1)} at the default ${defaults.intervalMinutes}-minute interval ` +
      `(budget ${BUDGET_PER_HOUR}/h: ${((perHour / BUDGET_PER_HOUR) * 100).toFixed(2)} %)`,
  );
  console.log(
    `CPU per round of checks    ${cpuPerRoundMs.toFixed(1)} ms for ${ACCOUNTS} accounts (${((checkSeconds / ROUNDS) * 1000).toFixed(0)} ms wall; engine + simulator)`,
  );

  // Idle: every account checked, the next checks minutes away; the process only waits. A few
  // seconds first, for the garbage collector and the compiler to finish with the checks above.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const cpuIdle = process.cpuUsage();
  const idleStart = performance.now();
  sim.clearRequests();
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  const idleCpu = process.cpuUsage(cpuIdle);
  const idleSeconds = (performance.now() - idleStart) / 1000;
  const idlePercent = ((idleCpu.user + idleCpu.system) / 1e6 / idleSeconds) * 100;
  const amortised = idlePercent + (((cpuPerRoundMs / 1000) * (3_600_000 / INTERVAL_MS)) / 3600) * 100;
  console.log(
    `CPU while idle             ${idlePercent.toFixed(3)} % of one core over ${idleSeconds.toFixed(1)} s with ${ACCOUNTS} watched accounts (${sim.requests().length} requests)`,
  );
  console.log(
    `CPU idle + checks, per hour ${amortised.toFixed(3)} % of one core (the checks spread over the hour)`,
  );
} finally {
  await watcher.stop();
  await engine.stop();
  library.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
