// The app as a person meets it in a browser: the simulator, the headless server on the built
// renderer (out/renderer, built here when missing), a fresh config and library in temp folders.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSimulator } from '../../../src/sim';
import type { ScenarioName } from '../../../src/sim/types';
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
  server: RunningServer;
  close(): Promise<void>;
}

export async function startAppUnderTest(scenario: ScenarioName): Promise<AppUnderTest> {
  ensureRendererBuilt();
  const root = mkdtempSync(join(tmpdir(), 'kling-e2e-'));
  const simulator = await startSimulator({ scenario });
  const { api } = createHeadlessApi({
    configDir: join(root, 'config'),
    libraryFolder: join(root, 'library'),
    apiBase: simulator.baseUrl,
    env: {},
    version: '0.0.0-e2e',
  });
  const server = await startServer({ api, port: 0, rendererDir: RENDERER_DIR });
  return {
    url: server.url,
    simulatorBase: simulator.baseUrl,
    server,
    async close() {
      await server.close();
      await api.close();
      await simulator.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
