// The `kling-archive` archive commands end to end: the simulator over real HTTP, a real library
// folder, the real entry point (in-process through main(), and as a child process for SIGKILL).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, TOKENS, type RunningSimulator } from '../../src/sim';
import { filesUnder, runCli } from './run-cli';

interface JsonDoc {
  tasks: Array<{
    id: string;
    email: string | null;
    status: number | null;
    statusName: string | null;
    final: boolean;
    error: string | null;
    lastError: string | null;
    nextTryAt: string | null;
    works: Array<{ id: string; files: Array<{ kind: string; path: string; bytes: number; sha256: string }> }>;
    problems: Array<{ kind: string; path: string; state: string; error: string | null }>;
  }>;
  summary: { tasks: number; archived: number; withProblems: number; waiting: number; reasons: string[] };
}

let sim: RunningSimulator;
let dir: string;
let library: string;

function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const base = {
    KLING_ARCHIVE_LIBRARY: library,
    KLING_ARCHIVE_API_BASE: sim.baseUrl,
    USEAPI_TOKEN: TOKENS.basic,
  };
  return runCli(args, { ...base, ...env });
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeEach(async () => {
  sim = await startSimulator({ scenario: 'basic' });
  dir = await mkdtemp(path.join(tmpdir(), 'ka-cli-'));
  library = path.join(dir, 'library');
});
afterEach(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('kling-archive sync', () => {
  it('archives a finished task: exit 0, one JSON document, byte-exact files, no .part left', async () => {
    const id = sim.addTask({ kind: 'img2video', initialState: 'final', mediaBytes: 150_000 });
    const result = await cli(['sync', '--json', id]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.out) as JsonDoc;
    expect(result.out.trim().split('\n')).toHaveLength(1);
    expect(doc.tasks).toHaveLength(1);
    const task = doc.tasks[0]!;
    expect(task).toMatchObject({
      id,
      email: 'creator@example.com',
      status: 99,
      statusName: 'succeed',
      final: true,
      error: null,
    });
    const files = task.works.flatMap((w) => w.files);
    expect(files.map((f) => f.kind).sort()).toEqual(['cover', 'input', 'video']);
    for (const file of files) {
      expect(path.isAbsolute(file.path)).toBe(false);
      expect(statSync(path.join(library, file.path)).size).toBe(file.bytes);
      expect(sha(path.join(library, file.path))).toBe(file.sha256);
    }
    expect(filesUnder(library).filter((f) => f.includes('.part') || f.endsWith('.tmp'))).toEqual([]);
    expect(result.err).toMatch(/archived/);
    expect(result.out + result.err).not.toContain(TOKENS.basic);

    // Again: nothing downloaded twice.
    const media = sim.requests().filter((r) => r.path.startsWith('/media/')).length;
    const again = await cli(['sync', '--json', id]);
    expect(again.code).toBe(0);
    expect(sim.requests().filter((r) => r.path.startsWith('/media/')).length).toBe(media);
  });

  it('exits 1 when a task fails or is not found, still archiving the others', async () => {
    const good = sim.addTask({ initialState: 'final', mediaBytes: 10_000 });
    const bad = sim.addTask({ initialState: 'final', outcome: { failStatus: 7 } });
    const result = await cli(['sync', '--json', good, bad]);
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.out) as JsonDoc;
    expect(doc.tasks.map((t) => t.id)).toEqual([good, bad]);
    expect(doc.tasks[0]).toMatchObject({ final: true, error: null });
    expect(doc.tasks[1]).toMatchObject({ final: true, status: 7 });
    expect(doc.tasks[1]?.error).toMatch(/sensitive/);
  });

  it('exits 1 with "timed out" when a task does not finish within --timeout', async () => {
    const slow = sim.addTask({ outcome: 'succeed' }); // needs several polls, minutes apart by default
    const result = await cli(['sync', '--json', '--timeout', '1', slow]);
    expect(result.code).toBe(1);
    // Never "timed out" alone: what the task was doing when the run stopped.
    expect((JSON.parse(result.out) as JsonDoc).tasks[0]).toMatchObject({
      id: slow,
      final: false,
      error: 'timed out after 1 s; the task was still queued at useapi.net',
      lastError: null,
    });
  });

  it('exits 2 on usage and configuration errors, writing nothing', async () => {
    expect((await cli(['sync', '12a4'])).code).toBe(2);
    expect((await cli(['sync', '1.5e3'])).err).toMatch(/not a task id/);
    // Each refused entry named once, with one reason; nothing sent, nothing written.
    const ids = await cli(['sync', 'abc', '1.5', 'abc', '18446744073709551616', '7'.repeat(45), '123']);
    expect(ids.code).toBe(2);
    for (const line of [
      'abc: not a number',
      '1.5: not a whole number',
      '18446744073709551616: larger than a task id can be',
      `${'7'.repeat(24)}…: longer than a task id can be`,
    ]) {
      expect(ids.err.split(line)).toHaveLength(2);
    }
    expect(sim.requests()).toEqual([]);
    expect((await cli(['sync'])).code).toBe(2);
    expect((await cli(['sync', '--bogus', '1'])).code).toBe(2);
    const noToken = await cli(['sync', '123'], { USEAPI_TOKEN: undefined });
    expect(noToken.code).toBe(2);
    expect(noToken.err).toMatch(/no useapi.net token/);
    const badToken = await cli(['sync', '123'], { USEAPI_TOKEN: 'user:9-Nope' });
    expect(badToken.code).toBe(2);
    expect(badToken.err).not.toContain('user:9-Nope');
    expect(existsSync(library)).toBe(false);
    writeFileSync(path.join(dir, 'a-file'), 'x');
    const notAFolder = await cli(['sync', '123', '--library', path.join(dir, 'a-file')]);
    expect(notAFolder.code).toBe(2);
    expect(notAFolder.err).toMatch(/not a folder/);
    expect((await cli(['history', '--since', 'yesterday-ish'])).code).toBe(2);
    expect(existsSync(library)).toBe(false);
  });

  it('survives SIGKILL mid-download: the next run resumes with a Range request and ends byte-exact', async () => {
    const size = 6_000_000;
    const id = sim.addTask({ kind: 'txt2video', initialState: 'final', mediaBytes: size });
    sim.injectFault({ path: '/media/*.mp4', kind: 'stall', afterBytes: 2_000_000, stallMs: 60_000 });
    // node itself (with tsx as a loader), so that SIGKILL hits the process that holds the lock.
    const entry = fileURLToPath(new URL('../../src/server/cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', entry, 'sync', '--json', id], {
      env: {
        ...process.env,
        KLING_ARCHIVE_LIBRARY: library,
        KLING_ARCHIVE_API_BASE: sim.baseUrl,
        USEAPI_TOKEN: TOKENS.basic,
      },
      stdio: 'ignore',
    });
    const partSize = () => {
      const part = filesUnder(library).find((f) => f.endsWith('.mp4.part'));
      return part ? statSync(path.join(library, part)).size : 0;
    };
    for (let i = 0; i < 600 && partSize() < 2_000_000; i++) await new Promise((r) => setTimeout(r, 50));
    expect(partSize()).toBe(2_000_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(existsSync(path.join(library, '.kling-archive', 'engine.lock'))).toBe(true); // left by the dead process

    const result = await cli(['sync', '--json', id]);
    expect(result.code).toBe(0);
    const video = (JSON.parse(result.out) as JsonDoc).tasks[0]?.works[0]?.files.find(
      (f) => f.kind === 'video',
    );
    expect(video?.bytes).toBe(size);
    expect(sha(path.join(library, video!.path))).toBe(video?.sha256);
    const ranged = sim.requests().filter((r) => r.path.endsWith('.mp4') && r.range !== null);
    expect(ranged.map((r) => r.range)).toContain('bytes=2000000-');
    expect(filesUnder(library).filter((f) => f.includes('.part'))).toEqual([]);
  });
});

describe('kling-archive history, verify, rebuild-index', () => {
  it('archives the account history, verifies it, reports corruption, and rebuilds the index', async () => {
    // An account whose history is all finished, so that the run ends without minutes of polling.
    await sim.close();
    sim = await startSimulator({ scenario: 'empty' });
    const env = { USEAPI_TOKEN: TOKENS.empty };
    const ids = [
      sim.addTask({
        id: '9007199254740993',
        initialState: 'final',
        mediaBytes: 30_000,
        createTime: Date.now() - 3_000,
      }),
      sim.addTask({ initialState: 'final', kind: 'txt2img', works: 2, createTime: Date.now() - 2_000 }),
      sim.addTask({
        initialState: 'final',
        kind: 'img2video',
        mediaBytes: 20_000,
        createTime: Date.now() - 1_000,
      }),
    ];
    const history = await cli(['history', '--json'], env);
    expect(history.code).toBe(0);
    const doc = JSON.parse(history.out) as JsonDoc;
    expect(doc.tasks.map((t) => t.id).sort()).toEqual([...ids].sort());
    expect(doc.tasks.every((t) => t.final && t.error === null && t.email === 'empty@example.com')).toBe(true);
    expect(doc.tasks.find((t) => t.id === '9007199254740993')?.works[0]?.files.length).toBeGreaterThan(0);

    const clean = await cli(['verify', '--json'], env);
    expect(clean.code).toBe(0);
    const checked = JSON.parse(clean.out) as { checked: number; corrupt: string[]; missing: string[] };
    expect(checked.checked).toBeGreaterThan(0);

    const victim = doc.tasks.flatMap((t) => t.works.flatMap((w) => w.files))[0]!;
    writeFileSync(path.join(library, victim.path), 'not the video');
    const dirty = await cli(['verify', '--json'], env);
    expect(dirty.code).toBe(1);
    expect((JSON.parse(dirty.out) as { corrupt: string[] }).corrupt).toEqual([victim.path]);

    const rebuilt = await cli(['rebuild-index'], env);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.err).toMatch(/rebuilt: \d+ task/);
  });

  it('verify and rebuild-index refuse a missing library folder with exit 2', async () => {
    expect((await cli(['verify'])).code).toBe(2);
    expect((await cli(['rebuild-index'])).code).toBe(2);
  });
});

describe('kling-archive sync under a token with several accounts', () => {
  it('without --email, archives each id under the account that owns it', async () => {
    const multi = await startSimulator({ scenario: 'multi' });
    try {
      // 200000001 is Alice's, 300000001 Bob's: one token, two accounts.
      const result = await cli(['sync', '--json', '200000001', '300000001'], {
        KLING_ARCHIVE_API_BASE: multi.baseUrl,
        USEAPI_TOKEN: TOKENS.multiA,
      });
      expect(result.err).not.toContain('pass --email');
      expect(result.code).toBe(0);
      const doc = JSON.parse(result.out) as JsonDoc;
      expect(doc.tasks.map((task) => [task.id, task.email, task.final, task.error])).toEqual([
        ['200000001', 'alice@example.com', true, null],
        ['300000001', 'bob@example.com', true, null],
      ]);
      for (const task of doc.tasks) {
        for (const file of task.works.flatMap((work) => work.files)) {
          expect(file.path.startsWith(`${task.email}/`)).toBe(true);
          expect(sha(path.join(library, file.path))).toBe(file.sha256);
        }
      }
      // Bob's task was asked of Alice first (404), then of Bob.
      const asks = multi
        .requests()
        .filter((r) => r.path === '/v1/kling/tasks/300000001')
        .map((r) => [r.query.email, r.status]);
      expect(asks.slice(0, 2)).toEqual([
        ['alice@example.com', 404],
        ['bob@example.com', 200],
      ]);
    } finally {
      await multi.close();
    }
  });

  it('history still needs --email when the token has several accounts', async () => {
    const multi = await startSimulator({ scenario: 'multi' });
    try {
      const result = await cli(['history'], {
        KLING_ARCHIVE_API_BASE: multi.baseUrl,
        USEAPI_TOKEN: TOKENS.multiA,
      });
      expect(result.code).toBe(2);
      expect(result.err).toContain('pass --email');
    } finally {
      await multi.close();
    }
  });
});
