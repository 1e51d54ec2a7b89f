// 10,000 pending tasks against the simulator: does the engine hold the request rate at its cap, and
// does it use (almost) no CPU while waiting? Run: npx tsx bench/scheduler.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLibrary } from '../src/core/library';
import { SyncEngine } from '../src/core/sync';
import { startSimulator, TOKENS } from '../src/sim';

const TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
const CAP = Number(process.env.BENCH_RATE ?? 20);
const MEASURE_S = Number(process.env.BENCH_SECONDS ?? 10);
const EMAIL = 'creator@example.com';

const sim = await startSimulator({ scenario: 'basic', progression: 'clock', stepMs: 3_600_000 });
const dir = mkdtempSync(path.join(tmpdir(), 'ka-bench-sched-'));
const library = openLibrary(dir, { sidecars: false });
try {
  // Tasks the simulator keeps "processing" for an hour: every poll is answered, none finishes.
  const ids: string[] = [];
  for (let i = 0; i < TASKS; i++) ids.push(sim.addTask({ initialState: 'processing', stepMs: 3_600_000 }));
  const engine = new SyncEngine({
    library,
    accounts: [{ accountId: 'bench', email: EMAIL, token: TOKENS.basic }],
    apiBase: sim.baseUrl,
    requestsPerSecond: CAP,
    perAccountInFlight: 4,
    lock: false,
  });
  const added = performance.now();
  engine.start();
  engine.addTasks(EMAIL, ids);
  console.log(`added ${TASKS} tasks in ${((performance.now() - added) / 1000).toFixed(2)} s`);

  // Busy phase: all 10,000 are due at once; the bucket must hold the rate at the cap.
  sim.clearRequests();
  const cpuBusy = process.cpuUsage();
  const busyStart = performance.now();
  await new Promise((resolve) => setTimeout(resolve, MEASURE_S * 1000));
  const busySeconds = (performance.now() - busyStart) / 1000;
  const polls = sim.requests().filter((r) => r.path.startsWith('/v1/kling/tasks/')).length;
  const busyCpu = process.cpuUsage(cpuBusy);
  const perSecond = new Map<number, number>();
  for (const record of sim.requests()) {
    const second = Math.floor((record.at - busyStart - performance.timeOrigin) / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  const counts = [...perSecond.entries()].filter(([s]) => s >= 0 && s < MEASURE_S).map(([, n]) => n);
  console.log(`cap                  ${CAP} requests/s`);
  console.log(
    `measured             ${(polls / busySeconds).toFixed(2)} requests/s over ${busySeconds.toFixed(1)} s (max in any second: ${Math.max(...counts)})`,
  );
  console.log(
    `CPU while busy       ${(((busyCpu.user + busyCpu.system) / 1e6 / busySeconds) * 100).toFixed(1)} % of one core (engine + simulator in this process)`,
  );

  // Idle phase: stop the flood (every task polled recently and scheduled minutes ahead), then measure CPU.
  await engine.stop();
  library.db.prepare('UPDATE tasks SET next_poll_at = ?').run(Date.now() + 10 * 60_000);
  engine.start();
  const cpuIdle = process.cpuUsage();
  const idleStart = performance.now();
  sim.clearRequests();
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const idleCpu = process.cpuUsage(cpuIdle);
  const idleSeconds = (performance.now() - idleStart) / 1000;
  console.log(
    `CPU while waiting    ${(((idleCpu.user + idleCpu.system) / 1e6 / idleSeconds) * 100).toFixed(2)} % of one core over ${idleSeconds.toFixed(1)} s with ${TASKS} tasks scheduled (${sim.requests().length} requests)`,
  );
  await engine.stop();
} finally {
  library.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
