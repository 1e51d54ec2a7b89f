// Removing a task: real files in a temp library folder, a real SQLite index.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, rebuildIndex } from '../../../src/core/library';
import type { Library } from '../../../src/core/library';
import { ACCOUNT, BIG, checkSearchIndex, tempFolder } from './helpers';
import { makeSnapshot } from './fixtures/snapshots';

let dir: string;
let cleanup: () => void;
let library: Library;
beforeEach(() => {
  ({ dir, cleanup } = tempFolder());
  library = openLibrary(dir);
});
afterEach(() => {
  library.close();
  cleanup();
});

const created = Date.UTC(2025, 3, 17, 12);
const folder = `${ACCOUNT}/2025-04/${BIG(1)}`;

/** A finished task with its video, cover and input archived, and a half-downloaded second video. */
function archivedTask() {
  const snapshot = makeSnapshot(ACCOUNT, {
    taskId: BIG(1),
    workIds: [BIG(2), BIG(3)],
    createTime: created,
    prompt: 'a lighthouse in a storm',
  });
  library.ingest(snapshot);
  library.createFileRows(BIG(1));
  for (const file of library.claimFiles(1000)) {
    const absolute = library.absolutePath(file.relativePath);
    mkdirSync(path.dirname(absolute), { recursive: true });
    if (file.workId === BIG(3) && file.kind === 'video') {
      writeFileSync(`${absolute}.part`, 'half');
      writeFileSync(`${absolute}.part.json`, '{}');
      continue;
    }
    const content = Buffer.from(`bytes of ${file.relativePath}`);
    writeFileSync(absolute, content);
    library.recordFileDone(file.id, content.length, createHash('sha256').update(content).digest('hex'), null);
  }
  return snapshot;
}

describe('removing a task from the library', () => {
  it('deletes its files, leftovers and sidecar, then its rows, search entries and facet counts', () => {
    archivedTask();
    expect(existsSync(path.join(dir, folder, 'task.json'))).toBe(true);
    expect(library.gallery({ text: 'lighthouse' }).items).toHaveLength(2);

    expect(library.removeTask(BIG(1))).toEqual({ removedFiles: 4 }); // 2 covers, 1 video, 1 input
    expect(existsSync(path.join(dir, folder))).toBe(false);
    expect(existsSync(path.join(dir, `${ACCOUNT}/2025-04`))).toBe(false);
    expect(library.task(BIG(1))).toBeNull();
    expect(library.gallery({}).items).toEqual([]);
    expect(library.gallery({ text: 'lighthouse' }).items).toEqual([]);
    expect(library.facets().total).toBe(0);
    expect(library.stats().tasks).toBe(0);
    const orphans = library.db
      .prepare(
        'SELECT (SELECT count(*) FROM works) + (SELECT count(*) FROM files) + (SELECT count(*) FROM task_snapshots) AS n',
      )
      .get() as { n: number };
    expect(orphans.n).toBe(0);
    // Nothing is left in the search index itself (a match on the index alone, not through works).
    const indexed = library.db
      .prepare("SELECT count(*) AS n FROM work_search WHERE work_search MATCH 'lighthouse'")
      .get() as { n: number };
    expect(indexed.n).toBe(0);
    checkSearchIndex(library);
    expect(library.removeTask(BIG(1))).toBeNull();
  });

  it('leaves files the app did not put there, and so their folder', () => {
    archivedTask();
    writeFileSync(path.join(dir, folder, 'my notes.txt'), 'keep me');
    library.removeTask(BIG(1));
    expect(readdirSync(path.join(dir, folder))).toEqual(['my notes.txt']);
  });

  it('a later snapshot (a late poll answer, a history page) does not bring it back; adding its id does', () => {
    const snapshot = archivedTask();
    library.removeTask(BIG(1));
    expect(library.ingest(snapshot)).toMatchObject({ taskId: BIG(1), outcome: 'removed' });
    expect(library.task(BIG(1))).toBeNull();
    expect(existsSync(path.join(dir, folder))).toBe(false);

    expect(library.addPendingTask(ACCOUNT, BIG(1))).toBe(true);
    expect(library.ingest(snapshot).outcome).toBe('updated');
    expect(library.gallery({}).items).toHaveLength(2);
  });

  it('is not undone by a rebuild of the index from the folder', async () => {
    archivedTask();
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(10), workIds: [BIG(11)], createTime: created }));
    library.removeTask(BIG(1));
    library.close();
    const report = await rebuildIndex(dir);
    library = openLibrary(dir);
    expect(report.tasks).toBe(1);
    expect(library.task(BIG(1))).toBeNull();
    expect(library.task(BIG(10))).not.toBeNull();
  });
});
