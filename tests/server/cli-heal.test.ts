// A damaged index met by the CLI: the real entry point (main()), the simulator over real HTTP, a real
// library folder whose index.sqlite gets garbage over some of its pages (or its header).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary } from '../../src/core/library';
import { serve } from '../../src/server/cli';
import { startSimulator, TOKENS, type RunningSimulator } from '../../src/sim';
import { runCli } from './run-cli';
import { damageFreeList, overwriteIndexPages } from '../core/library/corrupt-pages';

let sim: RunningSimulator;
let dir: string;
let library: string;

function cli(args: string[]) {
  return runCli(args, {
    KLING_ARCHIVE_LIBRARY: library,
    KLING_ARCHIVE_API_BASE: sim.baseUrl,
    USEAPI_TOKEN: TOKENS.basic,
  });
}

interface SyncDoc {
  tasks: Array<{ id: string; final: boolean; error: string | null; works: Array<{ id: string }> }>;
}

beforeEach(async () => {
  sim = await startSimulator({ scenario: 'basic' });
  dir = await mkdtemp(path.join(tmpdir(), 'ka-cli-heal-'));
  library = path.join(dir, 'library');
});
afterEach(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

/** Archives one task with the CLI and marks its work a favorite; answers the work's id. */
async function archivedFavorite(): Promise<string> {
  const id = sim.addTask({ initialState: 'final', mediaBytes: 20_000 });
  const first = await cli(['sync', '--json', id]);
  expect(first.code).toBe(0);
  const workId = (JSON.parse(first.out) as SyncDoc).tasks[0]!.works[0]!.id;
  const opened = openLibrary(library);
  expect(opened.setFavorite(workId, true)).toBe(true);
  opened.close();
  return workId;
}

function favorite(workId: string): boolean | undefined {
  const opened = openLibrary(library);
  try {
    return opened.workDetail(workId)?.work.favorite;
  } finally {
    opened.close();
  }
}

describe('the CLI on a damaged index', () => {
  it('sync heals it on opening, says so in one line, archives, and keeps the favorites', async () => {
    const workId = await archivedFavorite();
    overwriteIndexPages(library, ['works', 'tasks', 'files']);

    const next = sim.addTask({ initialState: 'final', mediaBytes: 10_000 });
    const result = await cli(['sync', '--json', next]);
    expect(result.err).not.toMatch(/^kling-archive sync: database disk image is malformed/m);
    const lines = result.err.split('\n').filter((line) => line.includes('index was damaged'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^kling-archive sync: The library index was damaged \(.+\) and has been rebuilt from the folder: 1 task\(s\), 1 work\(s\), \d+ file\(s\), 1 favorite\(s\) kept; lost: .*; the damaged index is kept at .+index-before-rebuild-.+\.sqlite\.$/,
    );
    expect(result.code, result.err + result.out).toBe(0);
    expect((JSON.parse(result.out) as SyncDoc).tasks[0]).toMatchObject({
      id: next,
      final: true,
      error: null,
    });
    expect(favorite(workId)).toBe(true);
  });

  it('verify heals it first and never reports an all-clear (exit 1), then checks every file', async () => {
    const workId = await archivedFavorite();
    overwriteIndexPages(library, ['files', 'works']);

    const result = await cli(['verify', '--json']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/kling-archive verify: The library index was damaged/);
    expect(result.err).not.toMatch(/^0 file\(s\) checked/m);
    const report = JSON.parse(result.out) as { checked: number; ok: number; healed: boolean };
    expect(report.healed).toBe(true);
    expect(report.checked).toBeGreaterThan(0);
    expect(report.ok).toBe(report.checked);
    expect(favorite(workId)).toBe(true);

    // Healed: the next verify is an honest all-clear.
    const again = await cli(['verify']);
    expect(again.code).toBe(0);
    expect(again.err).not.toMatch(/damaged/);
  });

  it('verify heals an index whose header was overwritten', async () => {
    const workId = await archivedFavorite();
    overwriteIndexPages(library, 'header');
    const result = await cli(['verify']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/The library index was damaged \(file is not a database\)/);
    expect(favorite(workId)).toBe(true);
  });

  it('serve heals it before anything opens it, and says so in one line on stderr', async () => {
    const workId = await archivedFavorite();
    overwriteIndexPages(library, ['works', 'files']);
    let err = '';
    let said = '';
    const io = {
      out: (text: string) => void (said += text),
      err: (text: string) => void ((err += text), (said += text)),
    };
    const flags = ['--library', library, '--config', path.join(dir, 'config'), '--api-base', sim.baseUrl];
    const handle = await serve([...flags, '--token', TOKENS.basic], io, {});
    if (typeof handle === 'number') throw new Error(`serve failed: ${err}`);
    // The page is told too: app.info carries the line until the server stops.
    const info = await fetch(`${handle.server.origin}/api/app.info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kling-archive-key': handle.server.secret },
      body: '{}',
    });
    const { notices } = (await info.json()) as { notices: string[] };
    await handle.close();
    expect(notices).toEqual([expect.stringMatching(/^The library index was damaged/)]);
    expect(err.split('\n').filter((line) => line.includes('The library index was damaged'))).toHaveLength(1);
    // Healed before it served anything, not later by a connection that met the damage.
    expect(said.indexOf('The library index was damaged')).toBeLessThan(
      said.indexOf('Kling Archive is running'),
    );
    expect(said.indexOf('The library index was damaged')).toBeGreaterThanOrEqual(0);
    expect(favorite(workId)).toBe(true);
  });

  it('sync meeting the damage mid-run stops, heals, says so in one line (exit 1); the next run archives', async () => {
    const workId = await archivedFavorite();
    damageFreeList(library); // every table reads well: the check on opening passes

    const next = sim.addTask({ initialState: 'final', mediaBytes: 10_000 });
    const result = await cli(['sync', '--json', next]);
    expect(result.code).toBe(1);
    const lines = result.err.split('\n').filter((line) => line.includes('index was damaged'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^kling-archive sync: during the run: The library index was damaged \(database disk image is malformed\) .* Run the command again to finish\.$/,
    );
    expect((JSON.parse(result.out) as { error: string }).error).toMatch(/damaged/);
    expect(favorite(workId)).toBe(true);

    const again = await cli(['sync', '--json', next]);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.out) as SyncDoc).tasks[0]).toMatchObject({ id: next, final: true, error: null });
  });
});
