// `kling-archive demo`: the app with nothing real behind it. The simulator's demo scenario runs on
// 127.0.0.1 with its clock, a fresh config and library live in a new folder under the OS temp dir
// (never the user's own library), the demo accounts and tasks are added through the contract, and
// the headless server prints the one URL to open. Ctrl+C stops everything and deletes the folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core/api';
import type { Api } from '../../core/api';
import { startSimulator, TOKENS } from '../../sim';
import type { RunningSimulator } from '../../sim';
import { createHeadlessApi } from '../headless';
import { startServer } from '../http';
import type { RunningServer } from '../http';
import type { SettingOverride } from '../../shared/contract';

export const DEMO_HELP = `Usage: kling-archive demo [--port N] [--desktop]
Runs the app on made-up data: a local simulator of useapi.net, two demo accounts and tasks that
finish and download while you watch; new ones keep arriving on their own. Everything lives in a new folder under the temp dir, deleted
when you stop it with Ctrl+C. Your own library and settings are not touched.
  --port N    port for the app (default: any free port)
  --desktop   for \`npm run demo\`: prepare the demo folder and keep the simulator running for the
              desktop window, printing one line \`desktop-demo {json}\` instead of serving a URL
`;

/** A new generation appears this often in the demo. */
const DEMO_ARRIVALS_EVERY_MS = 15_000;

/**
 * The simulator is on this machine: no need to spare it like the real API, and a newcomer should see
 * tasks move within seconds, not at the 20 s the settings allow useapi.net. The one home of the
 * demo's pace: applied to the engine and the watcher below, and named in Settings (app.info).
 */
const DEMO_PACE = {
  firstPollMs: 500,
  pollEveryMs: 3_000,
  requestsPerSecond: 10,
  watchEveryMs: 5_000,
} as const;

/** The settings the demo's pace overrides, and what applies instead, for Settings to say so. */
export const DEMO_OVERRIDDEN_SETTINGS: readonly SettingOverride[] = [
  {
    setting: 'polling.intervalSeconds',
    applies: `checks a running task every ${DEMO_PACE.pollEveryMs / 1000} s`,
  },
  {
    setting: 'polling.maxRequestsPerMinute',
    applies: `sends up to ${DEMO_PACE.requestsPerSecond * 60} requests a minute per account`,
  },
  {
    setting: 'watching.intervalMinutes',
    applies: `looks for new generations every ${DEMO_PACE.watchEveryMs / 1000} s`,
  },
];

export interface DemoIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface DemoOptions {
  port: number;
  version: string;
  rendererDir: string | undefined;
  io: DemoIo;
}

export interface DemoHandle {
  url: string;
  /** The temp folder holding the demo's config and library. */
  folder: string;
  close(): Promise<void>;
}

function expect<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** Adds each demo account with the simulator's token, then its tasks, through the contract. */
async function seed(api: Api, simulator: RunningSimulator): Promise<number> {
  let added = 0;
  for (const account of simulator.scenario.accounts) {
    const view = expect(
      await api.call('accounts.add', { email: account.email, credentials: { token: TOKENS.demo } }),
    );
    const taskIds = simulator.scenario.tasks
      .filter((task) => task.email === account.email)
      .map((task) => task.id);
    if (taskIds.length === 0) continue;
    const outcome = expect(await api.call('tasks.add', { taskIds, accountId: view.id }));
    added += outcome.accepted.length;
  }
  return added;
}

export async function startDemo(options: DemoOptions): Promise<DemoHandle> {
  const folder = mkdtempSync(path.join(tmpdir(), 'kling-archive-demo-'));
  const closers: Array<() => Promise<void> | void> = [() => rmSync(folder, { recursive: true, force: true })];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) {
      try {
        await closer();
      } catch (error) {
        options.io.err(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  };
  try {
    // Answers the way real services send them (nulls, unknown fields), so the demo shows the app
    // reading them. New generations keep appearing in the studio account, as if someone were using
    // Kling meanwhile: the watcher finds them and they arrive in the gallery on their own.
    const simulator = await startSimulator({
      scenario: 'demo',
      progression: 'clock',
      nulls: true,
      arrivals: { everyMs: DEMO_ARRIVALS_EVERY_MS, emails: ['studio@example.com'] },
    });
    closers.push(() => simulator.close());
    const { api, engine } = createHeadlessApi({
      configDir: path.join(folder, 'config'),
      libraryFolder: path.join(folder, 'library'),
      apiBase: simulator.baseUrl,
      env: {},
      version: options.version,
      log: createLogger((line) => options.io.err(line)),
      syncEngine: {
        requestsPerSecond: DEMO_PACE.requestsPerSecond,
        pollPolicy: { firstPollMs: DEMO_PACE.firstPollMs, minIntervalMs: DEMO_PACE.pollEveryMs },
      },
      watch: { intervalMs: DEMO_PACE.watchEveryMs },
      demo: { overriddenSettings: DEMO_OVERRIDDEN_SETTINGS },
    });
    closers.push(() => api.close());
    if (engine) {
      closers.push(() => engine.close());
      engine.start();
    }
    const tasks = await seed(api, simulator);
    const server: RunningServer = await startServer({
      api,
      port: options.port,
      rendererDir: options.rendererDir,
    });
    closers.push(() => server.close());
    options.io.err(
      `demo: ${simulator.scenario.accounts.length} accounts, ${tasks} tasks; data in ${folder} (deleted on exit)\n`,
    );
    return { url: server.url, folder, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** What the desktop window needs to open the demo library: its settings folder, token and simulator. */
export interface DesktopDemo {
  /** Electron's user-data folder: it holds the seeded settings.json (library folder, API base). */
  configDir: string;
  libraryFolder: string;
  apiBase: string;
  /** The demo accounts' token, handed to the app as its launch token (USEAPI_TOKEN), never saved. */
  token: string;
  folder: string;
  close(): Promise<void>;
}

/**
 * The demo for the desktop window: the simulator keeps running, the accounts and tasks are seeded
 * into a settings folder and library that the app then opens itself (so the library is closed here).
 */
export async function prepareDesktopDemo(
  options: Omit<DemoOptions, 'port' | 'rendererDir'>,
): Promise<DesktopDemo> {
  const folder = mkdtempSync(path.join(tmpdir(), 'kling-archive-demo-'));
  const configDir = path.join(folder, 'config');
  const libraryFolder = path.join(folder, 'library');
  const closers: Array<() => Promise<void> | void> = [() => rmSync(folder, { recursive: true, force: true })];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const simulator = await startSimulator({ scenario: 'demo', progression: 'clock' });
    closers.push(() => simulator.close());
    // The demo token is the launch token here too, so the seeded accounts refer to it by the same id.
    // The engine records the added tasks; it is not started (the window's own engine syncs them).
    const { api, engine } = createHeadlessApi({
      configDir,
      libraryFolder,
      apiBase: simulator.baseUrl,
      env: { USEAPI_TOKEN: TOKENS.demo },
      version: options.version,
      log: createLogger((line) => options.io.err(line)),
      syncEngine: true,
    });
    const tasks = await seed(api, simulator).finally(async () => {
      await engine?.close();
      await api.close();
    });
    options.io.err(
      `demo: ${simulator.scenario.accounts.length} accounts, ${tasks} tasks; data in ${folder} (deleted on exit)\n`,
    );
    return { configDir, libraryFolder, apiBase: simulator.baseUrl, token: TOKENS.demo, folder, close };
  } catch (error) {
    await close();
    throw error;
  }
}
