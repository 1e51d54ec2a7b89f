// `kling-archive sync` reads answers full of nulls, says why a task could not be archived, and counts
// right: real HTTP against the simulator, a real library folder, a real full disk (a small tmpfs).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, TOKENS, type RunningSimulator } from '../../src/sim';
import { runCli } from './run-cli';

interface JsonDoc {
  tasks: Array<{
    id: string;
    final: boolean;
    phase: string | null;
    error: string | null;
    lastError: string | null;
    nextTryAt: string | null;
    works: Array<{ id: string; files: Array<{ kind: string; path: string; bytes: number; sha256: string }> }>;
    problems: Array<{ kind: string; state: string; error: string | null }>;
  }>;
  summary: { tasks: number; archived: number; withProblems: number; waiting: number; reasons: string[] };
}

let sim: RunningSimulator;
let dir: string;

async function cli(args: string[], library: string) {
  const vars = {
    KLING_ARCHIVE_LIBRARY: library,
    KLING_ARCHIVE_API_BASE: sim.baseUrl,
    USEAPI_TOKEN: TOKENS.basic,
  };
  const result = await runCli(args, vars);
  return { ...result, doc: result.out ? (JSON.parse(result.out) as JsonDoc) : null };
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

afterEach(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('answers full of nulls', () => {
  beforeEach(async () => {
    sim = await startSimulator({ scenario: 'basic', nulls: true });
    dir = await mkdtemp(path.join(tmpdir(), 'ka-cli-nulls-'));
  });

  it('archives the task: exit 0, byte-exact files, counted archived', async () => {
    const library = path.join(dir, 'library');
    const id = sim.addTask({ kind: 'img2video', initialState: 'final', mediaBytes: 50_000 });
    // The simulator really answers with nulls (and fields nobody documented).
    const answer = await fetch(`${sim.baseUrl}/v1/kling/tasks/${id}`, {
      headers: { Authorization: `Bearer ${TOKENS.basic}` },
    }).then((r) => r.text());
    expect(answer).toContain('"etaTime":null');
    expect(answer).toContain('"selfComment":null');
    expect(answer).toContain('"undocumentedField":null');

    const result = await cli(['sync', '--json', id], library);
    expect(result.err).not.toMatch(/could not read/);
    expect(result.code).toBe(0);
    const task = result.doc?.tasks[0];
    expect(task).toMatchObject({ id, final: true, phase: 'succeeded', error: null, lastError: null });
    const files = task?.works.flatMap((work) => work.files) ?? [];
    expect(files.map((file) => file.kind).sort()).toEqual(['cover', 'input', 'video']);
    for (const file of files) expect(sha(path.join(library, file.path))).toBe(file.sha256);
    expect(result.doc?.summary).toEqual({ tasks: 1, archived: 1, withProblems: 0, waiting: 0, reasons: [] });
    expect(result.err.trim().split('\n').at(-1)).toBe('1 task: 1 archived, 0 with problems');
    // The raw answer is kept verbatim, nulls and all.
    const stored = readFileSync(path.join(library, path.dirname(files[0]!.path), 'task.json'), 'utf8');
    expect(stored).toContain('"undocumentedField":null');
  });
});

describe('a task whose answers can never be read', () => {
  beforeEach(async () => {
    sim = await startSimulator({ scenario: 'basic' });
    dir = await mkdtemp(path.join(tmpdir(), 'ka-cli-unreadable-'));
  });

  it('ends with the reason in --json and on stderr, with the next try', async () => {
    const id = sim.addTask({ initialState: 'final', mediaBytes: 10_000 });
    sim.injectFault({ path: `/v1/kling/tasks/${id}$`, kind: 'malformed-json', times: 0 });
    const result = await cli(['sync', '--json', '--timeout', '2', id], path.join(dir, 'library'));
    expect(result.code).toBe(1);
    const task = result.doc?.tasks[0];
    expect(task?.lastError).toMatch(/^could not read the answer \(not JSON/);
    expect(task?.error).toBe(`timed out after 2 s; last error: ${task?.lastError}`);
    expect(Date.parse(task?.nextTryAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(result.err).toMatch(
      new RegExp(`^task ${id}: could not read the answer \\(not JSON.*\\); next try in \\d+ s$`, 'm'),
    );
    expect(result.err).toContain(`task ${id}: timed out after 2 s; last error: could not read the answer`);
    expect(result.doc?.summary).toMatchObject({ tasks: 1, archived: 0, withProblems: 1 });
    expect(result.err.trim().split('\n').at(-1)).toMatch(/^1 task: 0 archived, 1 with problems \(timed out/);
  });
});

/** A 1.5 MB tmpfs, or the reason there is none (not root, no mount). */
function smallDisk(at: string): string | null {
  try {
    mkdirSync(at, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1536k', 'tmpfs', at], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe('a full disk', () => {
  let mounted: string | null = null;
  beforeEach(async () => {
    sim = await startSimulator({ scenario: 'basic' });
    dir = await mkdtemp(path.join(tmpdir(), 'ka-cli-full-'));
  });
  afterEach(() => {
    if (mounted) execFileSync('umount', ['-l', mounted]);
    mounted = null;
  });

  it('counts no task archived and says why: "2 tasks: 0 archived, 2 with problems (disk full)"', async (ctx) => {
    const disk = path.join(dir, 'disk');
    const why = smallDisk(disk);
    if (why !== null) ctx.skip(`no small tmpfs here: ${why}`);
    mounted = disk;
    // Each video is larger than the whole disk: its download fills the disk and fails, and the
    // partial file is removed, which gives the index its room back.
    const ids = [
      sim.addTask({ kind: 'txt2video', initialState: 'final', mediaBytes: 4_000_000 }),
      sim.addTask({ kind: 'txt2video', initialState: 'final', mediaBytes: 4_000_000 }),
    ];
    const result = await cli(['sync', '--json', '--timeout', '15', ...ids], path.join(disk, 'library'));
    if (result.code !== 1) console.log(result.err);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/The disk is full/);
    expect(result.doc?.summary).toEqual({
      tasks: 2,
      archived: 0,
      withProblems: 2,
      waiting: 0,
      reasons: ['disk full'],
    });
    for (const task of result.doc?.tasks ?? []) {
      expect(task.error).toMatch(/could not be archived: The disk is full/);
      expect(task.problems.length).toBeGreaterThan(0);
    }
    expect(result.err.trim().split('\n').at(-1)).toBe('2 tasks: 0 archived, 2 with problems (disk full)');
  });
});
