// `kling-archive watch` end to end: the simulator over real HTTP, a real library folder, the real
// entry point (in-process through main(), and as a child process for SIGTERM).
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/core/settings';
import { openConfSettingsStore } from '../../src/core/settings/conf-store';
import { startSimulator, TOKENS, type RunningSimulator } from '../../src/sim';
import { filesUnder, runCli } from './run-cli';

let sim: RunningSimulator;
let dir: string;
let library: string;
let config: string;

function env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    KLING_ARCHIVE_LIBRARY: library,
    KLING_ARCHIVE_API_BASE: sim.baseUrl,
    KLING_ARCHIVE_CONFIG_DIR: config,
    USEAPI_TOKEN: TOKENS.empty,
    ...extra,
  };
}

function cli(args: string[], extra: Record<string, string | undefined> = {}) {
  return runCli(args, env(extra));
}

beforeEach(async () => {
  sim = await startSimulator({ scenario: 'empty' });
  dir = await mkdtemp(path.join(tmpdir(), 'ka-cli-watch-'));
  library = path.join(dir, 'library');
  config = path.join(dir, 'config');
  // The simulator is local: no need to spare it, and the media files are the plain result URLs.
  openConfSettingsStore(config, { defaults: defaultSettings({ home: dir }) }).store.update((s) => ({
    ...s,
    polling: { ...s.polling, maxRequestsPerMinute: 600 },
    downloads: { ...s.downloads, watermarkFree: false },
  }));
});

afterEach(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('kling-archive watch', () => {
  it('says what is wrong with the configuration and exits 2', async () => {
    const elsewhere = path.join(dir, 'no-config');
    const noAccounts = await cli(['watch'], { USEAPI_TOKEN: undefined, KLING_ARCHIVE_CONFIG_DIR: elsewhere });
    expect(noAccounts.code).toBe(2);
    expect(noAccounts.err).toMatch(/no settings in .*--token/);
    expect((await cli(['watch', '--every', '0'])).code).toBe(2);
    expect((await cli(['watch', '--every', '1441'])).code).toBe(2);
    expect((await cli(['watch', '--email', 'x@example.com'], { USEAPI_TOKEN: undefined })).code).toBe(2);
    // Settings without any account: nothing to watch.
    const empty = await cli(['watch'], { USEAPI_TOKEN: undefined });
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/no account with a token for https:\/\/api.useapi.net in the settings/);
    expect((await cli(['watch', 'extra'])).code).toBe(2);
    expect(existsSync(library)).toBe(false);
    expect(existsSync(elsewhere)).toBe(false);
  });

  it('--once archives what is new, one line per arrival, and exits 0; a refused token exits 1', async () => {
    const now = Date.now();
    const ids = [
      sim.addTask({ initialState: 'final', mediaBytes: 30_000, createTime: now - 2_000 }),
      sim.addTask({ initialState: 'final', kind: 'txt2img', works: 2, createTime: now - 1_000 }),
    ];
    const result = await cli(['watch', '--once']);
    expect(result.err).not.toMatch(/problem:/);
    expect(result.code).toBe(0);
    expect(result.err.match(/ archived /g)).toHaveLength(3); // one video, two images
    for (const id of ids) expect(result.err).toContain(`new task ${id} (empty@example.com)`);
    expect(
      filesUnder(library).filter((f) => /\.(mp4|png|jpg)$/.test(f) && !f.includes('.cover.')).length,
    ).toBe(3);

    // Nothing new: one request for the list (after the token's accounts), nothing downloaded again.
    sim.clearRequests();
    const again = await cli(['watch', '--once']);
    expect(again.code).toBe(0);
    expect(sim.requests().map((r) => r.path)).toEqual(['/v1/kling/accounts', '/v1/kling/tasks']);

    const refused = await cli(['watch', '--once', '--token', 'user:9999-Nope', '--email', 'x@example.com']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/problem: checking x@example.com failed/);
  });

  it('stops cleanly on SIGTERM mid-download (exit 0) and the next run resumes the file', async () => {
    const size = 6_000_000;
    const id = sim.addTask({ kind: 'txt2video', initialState: 'final', mediaBytes: size });
    sim.injectFault({ path: '/media/*.mp4', kind: 'stall', afterBytes: 2_000_000, stallMs: 60_000 });
    const entry = fileURLToPath(new URL('../../src/server/cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', entry, 'watch'], {
      env: { ...process.env, ...env() },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const partSize = () => {
      const part = filesUnder(library).find((f) => f.endsWith('.mp4.part'));
      return part ? statSync(path.join(library, part)).size : 0;
    };
    for (let i = 0; i < 600 && partSize() < 2_000_000; i++) await new Promise((r) => setTimeout(r, 50));
    expect(partSize()).toBe(2_000_000);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/stopping/);
    expect(partSize()).toBe(2_000_000); // kept for the resume
    expect(existsSync(path.join(library, '.kling-archive', 'engine.lock'))).toBe(false);

    const result = await cli(['watch', '--once']);
    expect(result.code).toBe(0);
    const ranged = sim.requests().filter((r) => r.path.endsWith('.mp4') && r.range !== null);
    expect(ranged.map((r) => r.range)).toContain('bytes=2000000-');
    const video = filesUnder(library).find((f) => f.endsWith('.mp4') && f.includes(id));
    expect(video).toBeDefined();
    expect(statSync(path.join(library, video!)).size).toBe(size);
    expect(filesUnder(library).filter((f) => f.includes('.part'))).toEqual([]);
  });
});
