import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestError, openLibrary } from '../../../src/core/library';
import type { Library } from '../../../src/core/library';
import { ACCOUNT, BIG, checkSearchIndex, tempFolder } from './helpers';
import { makeSnapshot, parseSnapshot } from './fixtures/snapshots';

let dir: string;
let cleanup: () => void;
let library: Library;
const clock = 1_800_000_000_000;
beforeEach(() => {
  ({ dir, cleanup } = tempFolder());
  library = openLibrary(dir, { now: () => clock });
});
afterEach(() => {
  library.close();
  cleanup();
});

const count = (table: string) =>
  (library.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('ingesting the reference page example', () => {
  it('stores task, work, facts and the raw text with exact ids', () => {
    const raw = readFileSync(new URL('../../fixtures/useapi/get-task-example.json', import.meta.url), 'utf8');
    const result = library.ingest({ account: ACCOUNT, snapshot: parseSnapshot(raw), raw });
    expect(result).toEqual({ taskId: '123456789', outcome: 'inserted' });
    const task = library.task('123456789');
    expect(task).toMatchObject({
      email: ACCOUNT,
      type: 'm2v_img2video_hq',
      phase: 'succeeded',
      final: 1,
      status: 99,
      prompt: 'A person dancing',
      negative_prompt: null,
      duration: '5',
      model_version: '2.0',
      created_at: 1744858514499,
      next_poll_at: null,
    });
    const detail = library.workDetail('123456789');
    expect(detail?.work).toMatchObject({ contentType: 'video', width: 724, height: 1268, durationMs: 5041 });
    expect(detail?.arguments).toContainEqual({ name: 'kling_version', value: '2.0' });
    const stored = library.db.prepare('SELECT raw FROM task_snapshots').get() as { raw: string };
    expect(stored.raw).toBe(raw);
  });
});

describe('idempotency and ordering', () => {
  it('ingesting the same snapshot twice changes nothing', () => {
    const input = makeSnapshot(ACCOUNT, { taskId: BIG(1), workIds: [BIG(2), BIG(3)] });
    expect(library.ingest(input).outcome).toBe('inserted');
    expect(library.ingest(input).outcome).toBe('unchanged');
    expect(library.ingestMany([input, input]).map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);
    expect([count('tasks'), count('works'), count('task_snapshots')]).toEqual([1, 2, 1]);
    expect(library.facets().total).toBe(2);
  });

  it('keeps ids above 2^53 exact', () => {
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(1), workIds: [BIG(2)] }));
    const page = library.gallery();
    expect(page.items[0]?.workId).toBe('9007199254741007');
    expect(page.items[0]?.taskId).toBe('9007199254741000');
  });

  it('never lets an older snapshot overwrite a newer one', () => {
    const newer = makeSnapshot(ACCOUNT, {
      taskId: BIG(1),
      prompt: 'newer prompt',
      updateTime: 2_000 + 1744858514499,
    });
    const older = makeSnapshot(ACCOUNT, {
      taskId: BIG(1),
      prompt: 'older prompt',
      updateTime: 1_000 + 1744858514499,
    });
    library.ingest(newer);
    expect(library.ingest(older).outcome).toBe('stale');
    expect(library.task(BIG(1))?.prompt).toBe('newer prompt');
    expect(library.gallery({ text: 'older' }).items).toHaveLength(0);
    expect(library.gallery({ text: 'newer' }).items).toHaveLength(1);
  });

  it('applies snapshots that arrive in order: queued → running → succeeded', () => {
    const base = 1744858514499;
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(1), status: 5, updateTime: base + 1 }));
    expect(library.task(BIG(1))).toMatchObject({ phase: 'queued', final: 0, next_poll_at: clock });
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(1), status: 10, updateTime: base + 2 }));
    expect(library.task(BIG(1))?.phase).toBe('running');
    library.ingest(
      makeSnapshot(ACCOUNT, { taskId: BIG(1), status: 99, updateTime: base + 3, workIds: [BIG(9)] }),
    );
    expect(library.task(BIG(1))).toMatchObject({ phase: 'succeeded', final: 1, next_poll_at: null });
    expect(library.gallery().items.map((i) => i.workId)).toEqual([BIG(9)]);
  });

  it('never downgrades a final status, even with a later update time', () => {
    const base = 1744858514499;
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(1), status: 7, updateTime: base + 5 }));
    const late = makeSnapshot(ACCOUNT, { taskId: BIG(1), status: 10, updateTime: base + 50 });
    expect(library.ingest(late).outcome).toBe('stale');
    expect(library.task(BIG(1))).toMatchObject({
      phase: 'failed',
      final: 1,
      reason: 'The prompt contains sensitive words',
    });
  });

  it('never removes works, and a history entry (works only) adds what was missing', () => {
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(1), workIds: [BIG(2)] }));
    const full = makeSnapshot(ACCOUNT, { taskId: BIG(1), workIds: [BIG(2), BIG(3)] });
    const historyRaw = JSON.stringify({ works: [] }).replace(
      '[]',
      full.raw.slice(full.raw.indexOf('"works":[') + 8, full.raw.lastIndexOf(',"currentTimestamp"')),
    );
    const history = { account: ACCOUNT, raw: historyRaw, snapshot: parseSnapshot(historyRaw) };
    const result = library.ingest(history);
    expect(result.taskId).toBe(BIG(1));
    expect(count('works')).toBe(2);
    // A later snapshot with fewer works removes none.
    library.ingest(
      makeSnapshot(ACCOUNT, { taskId: BIG(1), workIds: [BIG(2)], updateTime: 1744858514499 + 10_000_000 }),
    );
    expect(count('works')).toBe(2);
  });

  it('rejects a snapshot without a task id, and the rest of the batch still goes in', () => {
    const results = library.ingestMany([
      { account: ACCOUNT, raw: '{}', snapshot: {} },
      makeSnapshot(ACCOUNT, { taskId: BIG(1) }),
    ]);
    expect(results[0]).toMatchObject({
      taskId: null,
      outcome: 'rejected',
      problem: 'the snapshot carries no task id',
    });
    expect(results[1]?.outcome).toBe('inserted');
  });
});

describe('the search index and facet counts of new works', () => {
  const recount = () =>
    library.db
      .prepare(
        `SELECT 'account' AS dimension, CAST(account_id AS TEXT) AS value, count(*) AS count FROM works GROUP BY 2
         UNION ALL SELECT 'phase', phase, count(*) FROM works GROUP BY 2
         UNION ALL SELECT 'content_type', coalesce(content_type, ''), count(*) FROM works GROUP BY 2
         UNION ALL SELECT 'task_type', coalesce(task_type, ''), count(*) FROM works GROUP BY 2
         UNION ALL SELECT 'model_version', coalesce(model_version, ''), count(*) FROM works GROUP BY 2
         UNION ALL SELECT 'favorite', CAST(favorite AS TEXT), count(*) FROM works GROUP BY 2
         ORDER BY 1, 2`,
      )
      .all();
  const kept = () =>
    library.db
      .prepare('SELECT dimension, value, count FROM work_facets WHERE count <> 0 ORDER BY 1, 2')
      .all();

  it('match a full recount after batches, updates and history entries', () => {
    library.ingestMany(
      Array.from({ length: 40 }, (_, i) =>
        makeSnapshot(i % 2 ? ACCOUNT : 'other@example.com', {
          taskId: BIG(10 * i),
          workIds: [BIG(10 * i + 1), BIG(10 * i + 2)],
          contentType: i % 4 ? 'video' : 'image',
          modelVersion: i % 3 ? '2.0' : '1.6',
          prompt: `prompt number ${i} with a lantern`,
          favored: i % 5 === 0,
        }),
      ),
    );
    library.ingest(
      makeSnapshot(ACCOUNT, {
        taskId: BIG(10),
        workIds: [BIG(11), BIG(12), BIG(13)],
        modelVersion: '2.1',
        prompt: 'prompt number 1, now with a candle',
      }),
    );
    expect(kept()).toEqual(recount());
    checkSearchIndex(library);
    expect(library.gallery({ text: 'lantern', limit: 500 }).items).toHaveLength(78);
    expect(library.gallery({ text: 'candle' }).items).toHaveLength(3);
  });

  it('a stale snapshot adds its new work with the task as stored, not its older facts', () => {
    const later = 1744858514499 + 10_000_000;
    library.ingest(
      makeSnapshot(ACCOUNT, {
        taskId: BIG(1),
        workIds: [BIG(2)],
        prompt: 'a newer prompt',
        updateTime: later,
      }),
    );
    const stale = makeSnapshot(ACCOUNT, {
      taskId: BIG(1),
      workIds: [BIG(2), BIG(3)],
      prompt: 'an older prompt',
      modelVersion: '1.6',
    });
    expect(library.ingest(stale).outcome).toBe('updated');
    expect(library.task(BIG(1))?.prompt).toBe('a newer prompt');
    const models = library.db.prepare('SELECT DISTINCT model_version FROM works').all();
    expect(models).toHaveLength(1);
    expect(library.gallery({ text: 'newer' }).items).toHaveLength(2);
    expect(library.gallery({ text: 'older' }).items).toHaveLength(0);
    expect(kept()).toEqual(recount());
    checkSearchIndex(library);
  });

  it('a batch that fails leaves no counts behind for the next one', () => {
    const good = makeSnapshot(ACCOUNT, { taskId: BIG(1), workIds: [BIG(2)] });
    const poisoned = {
      ...makeSnapshot(ACCOUNT, { taskId: BIG(3), workIds: [BIG(4)] }),
      raw: null as unknown as string,
    };
    expect(() => library.ingestMany([good, poisoned])).toThrow();
    expect(count('works')).toBe(0);
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(5), workIds: [BIG(6)] }));
    expect(kept()).toEqual(recount());
    checkSearchIndex(library);
  });
});

describe('pending tasks (ids typed by the user)', () => {
  it('are added once, due for polling at once, and later filled by a snapshot', () => {
    expect(library.addPendingTask(ACCOUNT, BIG(1))).toBe(true);
    expect(library.addPendingTask(ACCOUNT, BIG(1))).toBe(false);
    expect(library.task(BIG(1))).toMatchObject({
      task_id: BIG(1),
      next_poll_at: clock,
      attempts: 0,
      created_at: null,
      phase: 'queued',
    });
    library.updatePolling(BIG(1), { nextPollAt: clock + 60_000, attempts: 1, lastError: 'HTTP 500' });
    expect(library.task(BIG(1))).toMatchObject({ next_poll_at: clock + 60_000, attempts: 1 });
    expect(library.task(BIG(1))?.last_error).toBe('HTTP 500');
    expect(library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(1) })).outcome).toBe('updated');
    expect(library.task(BIG(1))).toMatchObject({ phase: 'succeeded', last_error: null, next_poll_at: null });
  });

  it('refuses an id that is not a number, with a clear error', () => {
    for (const bad of ['', 'abc', '12.5', '../1', '1e9', ' 1']) {
      expect(() => library.addPendingTask(ACCOUNT, bad)).toThrow(IngestError);
    }
    expect(count('tasks')).toBe(0);
  });

  it('can be finalised without a snapshot (404), and a final task is never un-finalised', () => {
    library.addPendingTask(ACCOUNT, BIG(1));
    expect(library.updateTaskState(BIG(1), { phase: 'failed', final: true, reason: 'Task not found' })).toBe(
      true,
    );
    expect(library.updateTaskState(BIG(1), { phase: 'running', final: false })).toBe(false);
    expect(library.task(BIG(1))).toMatchObject({ phase: 'failed', final: 1, reason: 'Task not found' });
  });
});

describe('sidecars', () => {
  it('writes task.json (the raw text, ids exact) and account.json where a person can find them', () => {
    const input = makeSnapshot(ACCOUNT, { taskId: BIG(1), createTime: Date.UTC(2025, 3, 17) });
    library.ingest(input);
    const folder = path.join(dir, ACCOUNT, '2025-04', BIG(1));
    expect(readFileSync(path.join(folder, 'task.json'), 'utf8')).toBe(input.raw);
    expect(readFileSync(path.join(folder, 'task.json'), 'utf8')).toContain(`"id":${BIG(1)}`);
    expect(JSON.parse(readFileSync(path.join(dir, ACCOUNT, 'account.json'), 'utf8'))).toEqual({
      email: ACCOUNT,
      label: null,
    });
  });
});

describe('work rows of new tasks', () => {
  const workRows = () =>
    library.db
      .prepare(
        'SELECT w.id, w.work_id, w.created_at, t.task_id FROM works w JOIN tasks t ON t.id = w.task_id ORDER BY w.id',
      )
      .all() as { id: number; work_id: string; created_at: number; task_id: string }[];

  it('a new task that lists a work archived under another task leaves that work where it is', () => {
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(1), workIds: [BIG(2)], prompt: 'first owner' }));
    const result = library.ingest(
      makeSnapshot(ACCOUNT, { taskId: BIG(3), workIds: [BIG(2), BIG(4)], prompt: 'second task' }),
    );
    expect(result.outcome).toBe('inserted');
    expect(workRows().map((row) => [row.work_id, row.task_id])).toEqual([
      [BIG(2), BIG(1)],
      [BIG(4), BIG(3)],
    ]);
    expect(library.gallery({ text: 'second' }).items.map((item) => item.workId)).toEqual([BIG(4)]);
    checkSearchIndex(library);
  });

  it('works of one millisecond, older and newer ones, in one batch and across batches, get distinct keys of their time', () => {
    const at = 1_750_000_000_000;
    const spec = (n: number, createTime: number) => ({
      taskId: BIG(100 + n),
      workIds: [BIG(200 + 2 * n), BIG(201 + 2 * n)],
      createTime,
    });
    library.ingestMany([0, 1, 2].map((n) => makeSnapshot(ACCOUNT, spec(n, at))));
    library.ingestMany(
      [
        [3, at],
        [4, at - 60_000],
        [5, at + 60_000],
        [6, at + 60_000],
      ].map(([n, time]) => makeSnapshot(ACCOUNT, spec(n as number, time as number))),
    );
    const rows = workRows();
    expect(rows).toHaveLength(14);
    expect(new Set(rows.map((row) => row.id)).size).toBe(14);
    for (const row of rows) expect(Math.floor(row.id / 1024)).toBe(row.created_at);
    // Key order is time order.
    const times = rows.map((row) => row.created_at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe("a task's works", () => {
  it('are named by their exact ids, oldest first (same time: as they arrived); none for a task not known', () => {
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(1), workIds: [BIG(3), BIG(2)] }));
    expect(library.taskWorkIds(BIG(1))).toEqual([BIG(3), BIG(2)]);
    expect(library.taskWorkIds(BIG(9))).toEqual([]);
  });
});
