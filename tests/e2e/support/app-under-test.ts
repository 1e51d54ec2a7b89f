// The app as a person meets it in a browser: the simulator, the headless server with the sync engine
// on the built renderer (out/renderer, built here when missing), a fresh config and library in temp
// folders. The server can be restarted on the same folders and the simulator stopped (offline).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSimulator } from '../../../src/sim';
import type { RunningSimulator, SimulatorOptions } from '../../../src/sim';
import type { ScenarioName } from '../../../src/sim/types';
import type { WatchingOptions } from '../../../src/core/api/adapters/watching';
import { createHeadlessApi } from '../../../src/server/headless';
import { startServer, type RunningServer } from '../../../src/server/http';

export const RENDERER_DIR = resolve('out/renderer');

export function ensureRendererBuilt(): void {
  if (existsSync(join(RENDERER_DIR, 'index.html'))) return;
  const result = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('electron-vite build failed');
}

export interface AppUnderTest {
  url: string;
  simulatorBase: string;
  simulator: RunningSimulator;
  server: RunningServer;
  /** Stops the server and the engine and starts them again on the same config and library. */
  restart(): Promise<void>;
  /** Stops the simulator: useapi.net is unreachable from now on. */
  stopSimulator(): Promise<void>;
  close(): Promise<void>;
}

export async function startAppUnderTest(
  scenario: ScenarioName,
  simulatorOptions: Omit<SimulatorOptions, 'scenario'> = {},
  /**
   * Automatic archiving (off unless asked: the other journeys add their task ids by hand, and an
   * account's history arriving by itself would change what they see).
   */
  watch: WatchingOptions | false = false,
): Promise<AppUnderTest> {
  ensureRendererBuilt();
  const root = mkdtempSync(join(tmpdir(), 'kling-e2e-'));
  const simulator = await startSimulator({ scenario, ...simulatorOptions });
  let simulatorRunning = true;

  async function launch() {
    const { api, engine } = createHeadlessApi({
      configDir: join(root, 'config'),
      libraryFolder: join(root, 'library'),
      apiBase: simulator.baseUrl,
      env: {},
      version: '0.0.0-e2e',
      // Quick polls: the simulator is local and the test has no time to wait like the real API.
      syncEngine: { requestsPerSecond: 20, pollPolicy: { firstPollMs: 100, minIntervalMs: 500 } },
      watch,
    });
    engine?.start();
    const server = await startServer({ api, port: 0, rendererDir: RENDERER_DIR });
    return {
      server,
      async close() {
        await server.close();
        await engine?.close();
        await api.close();
      },
    };
  }

  let running = await launch();
  const app: AppUnderTest = {
    url: running.server.url,
    simulatorBase: simulator.baseUrl,
    simulator,
    server: running.server,
    async restart() {
      await running.close();
      running = await launch();
      app.url = running.server.url;
      app.server = running.server;
    },
    async stopSimulator() {
      if (!simulatorRunning) return;
      simulatorRunning = false;
      await simulator.close();
    },
    async close() {
      await running.close();
      await app.stopSimulator();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return app;
}
