import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, rebuildIndex, verifyLibrary } from '../../../src/core/library';
import type { FileRow, Library } from '../../../src/core/library';
import type { FileCopy } from '../../../src/shared/domain/library';
import { ACCOUNT, BIG, tempFolder } from './helpers';
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

/** Which copy the downloader says it fetched: the result URL (watermarked) for media. */
const copyOf = (file: FileRow): FileCopy | null =>
  file.kind === 'video' || file.kind === 'image' ? 'watermarked' : null;

/** Plays the downloader: writes each claimed file and records it. */
function downloadAll(skip: (relativePath: string) => boolean = () => false, copy = copyOf) {
  for (const file of library.claimFiles(1000)) {
    if (skip(file.relativePath)) {
      library.recordFileFailed(file.id, 'HTTP 403');
      continue;
    }
    const content = Buffer.from(`bytes of ${file.relativePath}`);
    const absolute = library.absolutePath(file.relativePath);
    mkdirSync(path.dirname(absolute), { recursive: true });
    writeFileSync(absolute, content);
    library.recordFileProgress(file.id, 3, content.length);
    library.recordFileDone(
      file.id,
      content.length,
      createHash('sha256').update(content).digest('hex'),
      copy(file),
    );
  }
}

describe('file rows for the downloader', () => {
  it('plans video, cover and input under <account>/<YYYY-MM>/<taskId>/, idempotently', () => {
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(1), workIds: [BIG(2)], createTime: created }));
    const rows = library.createFileRows(BIG(1));
    expect(library.createFileRows(BIG(1))).toHaveLength(3);
    const folder = `${ACCOUNT}/2025-04/${BIG(1)}`;
    expect(rows.map((r) => [r.kind, r.relativePath, r.state])).toEqual([
      ['video', `${folder}/${BIG(2)}.mp4`, 'pending'],
      ['cover', `${folder}/${BIG(2)}.cover.jpg`, 'pending'],
      ['input', `${folder}/input.jpg`, 'pending'],
    ]);
    expect(rows[0]?.sourceUrl).toBe(`https://s21-kling.klingai.com/out/${BIG(2)}.mp4`);
  });

  it('creates no rows for a task that has not succeeded', () => {
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(1), status: 10 }));
    expect(library.createFileRows(BIG(1))).toEqual([]);
  });

  it('claims, completes, fails and retries', () => {
    library.ingest(
      makeSnapshot(ACCOUNT, {
        taskId: BIG(1),
        workIds: [BIG(2), BIG(3)],
        contentType: 'image',
        createTime: created,
      }),
    );
    library.createFileRows(BIG(1));
    downloadAll((p) => p.endsWith('input.jpg'));
    expect(library.claimFiles(10)).toEqual([]);
    const states = library.files
      .forTask(BIG(1))
      .map((f) => [f.kind, f.state, f.relativePath.split('/').pop()]);
    expect(states).toEqual([
      ['image', 'done', `${BIG(2)}.png`],
      ['image', 'done', `${BIG(3)}.png`],
      ['input', 'failed', 'input.jpg'],
    ]);
    expect(library.files.retryFailed(Date.now())).toBe(1);
    expect(library.claimFiles(10).map((f) => f.attempts)).toEqual([2]);
    expect(library.files.resetInterrupted(Date.now())).toBe(1);
    expect(library.workDetail(BIG(2))?.work.mediaPath).toBe(`${ACCOUNT}/2025-04/${BIG(1)}/${BIG(2)}.png`);
    expect(library.stats().bytes).toBeGreaterThan(0);
    expect(() => library.recordFileDone(1, 1, 'not-a-hash', null)).toThrow(/SHA-256/);
  });

  it('records which copy a media file is, replaced by a re-download; covers and inputs stay unknown', () => {
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(1), workIds: [BIG(2)], createTime: created }));
    library.createFileRows(BIG(1));
    // A downloader that claims every file came from /assets/download: only the video can have.
    downloadAll(undefined, () => 'watermark-free');
    const copies = () => library.files.forTask(BIG(1)).map((f) => [f.kind, f.copy]);
    expect(copies()).toEqual([
      ['video', 'watermark-free'],
      ['cover', null],
      ['input', null],
    ]);
    const detailCopies = () => library.workDetail(BIG(2))?.files.map((f) => [f.kind, f.state, f.copy]);
    expect(detailCopies()).toEqual([
      ['video', 'done', 'watermark-free'],
      ['cover', 'done', null],
      ['input', 'done', null],
    ]);
    expect(library.workDetail(BIG(2))?.work.watermarked).toBe(false);

    // Asked again (the user's "download again"): queued, then archived from the result URL.
    const [video] = library.files.forTask(BIG(1));
    library.db.prepare("UPDATE files SET state = 'pending' WHERE id = ?").run(video!.id);
    // While queued, the detail does not vouch for a copy, and the gallery shows no media yet.
    expect(detailCopies()?.[0]).toEqual(['video', 'pending', null]);
    expect(library.workDetail(BIG(2))?.work).toMatchObject({ mediaPath: null, watermarked: null });
    downloadAll();
    expect(copies()[0]).toEqual(['video', 'watermarked']);
    expect(library.workDetail(BIG(2))?.work.watermarked).toBe(true);

    // A file found missing is not that copy any more, and a download of unknown copy says so.
    library.files.recordMissing(video!.id, 'gone', Date.now());
    expect(detailCopies()?.[0]).toEqual(['video', 'missing', null]);
    downloadAll(undefined, () => null);
    expect(copies()[0]).toEqual(['video', null]);
    expect(library.workDetail(BIG(2))?.work.watermarked).toBeNull();
  });

  it('refuses a path that would leave the library', () => {
    expect(() => library.absolutePath('../outside.mp4')).toThrow(/outside the library/);
  });
});

describe('verify', () => {
  it('marks missing and corrupt files so the downloader fetches them again', async () => {
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(1), workIds: [BIG(2)], createTime: created }));
    library.createFileRows(BIG(1));
    downloadAll();
    const [video, cover] = library.files.forTask(BIG(1));
    rmSync(library.absolutePath(video!.relativePath));
    writeFileSync(library.absolutePath(cover!.relativePath), Buffer.alloc(cover!.bytes!, 1)); // same size, other bytes
    const report = await verifyLibrary(library);
    expect(report).toMatchObject({
      checked: 3,
      ok: 1,
      missing: [video!.relativePath],
      corrupt: [cover!.relativePath],
    });
    expect(
      library
        .claimFiles(10)
        .map((f) => f.relativePath)
        .sort(),
    ).toEqual([video!.relativePath, cover!.relativePath].sort());
  });
});

describe('rebuild from the folder', () => {
  const snapshotOfIndex = (lib: Library) => ({
    accounts: lib.db.prepare('SELECT email FROM accounts ORDER BY email').all(),
    tasks: lib.db
      .prepare(
        `SELECT task_id, type, status, status_name, final, phase, reason, prompt, negative_prompt, duration,
        model_version, arguments, input_urls, created_at, updated_at FROM tasks ORDER BY task_id`,
      )
      .all(),
    raw: lib.db
      .prepare('SELECT t.task_id, s.raw FROM task_snapshots s JOIN tasks t ON t.id = s.task_id ORDER BY 1')
      .all(),
    works: lib.db
      .prepare(
        `SELECT id, work_id, content_type, width, height, duration_ms, result_url, cover_url, created_at,
        task_type, model_version, phase FROM works ORDER BY id`,
      )
      .all(),
    files: lib.db
      .prepare(`SELECT kind, rel_path, source_url, bytes, sha256, state FROM files ORDER BY rel_path`)
      .all(),
    copies: lib.db.prepare<[], { copy: FileCopy | null }>(`SELECT copy FROM files ORDER BY rel_path`).all(),
    facets: lib.facets(),
    search: lib.gallery({ text: 'dancing' }).items.map((i) => i.workId),
  });

  it('gives the same index as the original', async () => {
    const inputs = [];
    for (let i = 0; i < 30; i += 1) {
      inputs.push(
        makeSnapshot(i % 3 === 0 ? 'other@example.com' : ACCOUNT, {
          taskId: BIG(i * 10),
          workIds: i % 4 === 0 ? [BIG(i * 10 + 1), BIG(i * 10 + 2)] : [BIG(i * 10 + 1)],
          createTime: created + i * 86_400_000,
          status: i % 7 === 6 ? 7 : 99,
          contentType: i % 4 === 0 ? 'image' : 'video',
          prompt: i % 2 ? `person dancing number ${i}` : `a quiet lake ${i}`,
        }),
      );
    }
    library.ingestMany(inputs);
    for (const input of inputs) library.createFileRows(input.snapshot.task!.id!);
    downloadAll((p) => p.includes(BIG(50)));
    const before = snapshotOfIndex(library);
    library.close();

    const report = await rebuildIndex(dir);
    expect(report.problems).toEqual([]);
    expect(report.tasks).toBe(30);
    expect(report.previousIndex).toMatch(/backups/);
    library = openLibrary(dir);
    const after = snapshotOfIndex(library);
    // Files that were never downloaded are pending again rather than failed: the queue is the same.
    const relax = (rows: unknown[]) =>
      (rows as Array<{ state: string }>).map((r) => ({
        ...r,
        state: r.state === 'failed' ? 'pending' : r.state,
      }));
    expect(after.files).toEqual(relax(before.files));
    expect({ ...after, files: null, copies: null }).toEqual({ ...before, files: null, copies: null });
    // The folder does not say which copy a file is: everything the rebuild found is unknown.
    expect(before.copies.some((row) => row.copy === 'watermarked')).toBe(true);
    expect(after.copies.every((row) => row.copy === null)).toBe(true);
    expect(library.gallery({ limit: 500 }).items.every((item) => item.watermarked === null)).toBe(true);
  });

  it('reports an unreadable sidecar and goes on', async () => {
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(1), createTime: created }));
    library.close();
    const bad = path.join(dir, ACCOUNT, '2025-04', '777');
    mkdirSync(bad, { recursive: true });
    writeFileSync(path.join(bad, 'task.json'), '{"task": {"id": "not json');
    const report = await rebuildIndex(dir);
    expect(report.tasks).toBe(1);
    expect(report.problems).toEqual([
      { path: `${ACCOUNT}/2025-04/777/task.json`, problem: expect.stringContaining('not JSON') },
    ]);
    library = openLibrary(dir);
  });
});
