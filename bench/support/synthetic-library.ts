// Synthetic libraries for benchmarks: useapi.net snapshots to ingest for real, and a direct batched
// fill of the same tables (search rows and facet counts written as ingest writes them) for sizes
// that real ingest would take too long to build. Used by library.bench.ts and renderer.bench.ts.
import type { Library, SnapshotInput } from '../../src/core/library';
import { NewWorkIndexer } from '../../src/core/library/new-works';
import { KEY_SLOTS } from '../../src/core/library/work-key';
import { makeSnapshot, promptFor, random } from '../../tests/core/library/fixtures/snapshots';

export const ACCOUNTS = ['alice@example.com', 'bob@example.com', 'carol@example.com'];
/** Work i was created at START + i × 30 s. */
export const START = Date.UTC(2024, 0, 1);

/** `count` snapshots from work `from` on (task i has one work, every 8th an image), reproducible. */
export function snapshotsFor(from: number, count: number, seed: number): SnapshotInput[] {
  const rand = random(seed);
  const out: SnapshotInput[] = [];
  for (let i = from; i < from + count; i += 1) {
    const image = i % 8 === 0;
    out.push(
      makeSnapshot(ACCOUNTS[i % 3] as string, {
        taskId: String(900_000_000_000 + i * 10),
        workIds: [String(900_000_000_000 + i * 10 + 1)],
        createTime: START + i * 30_000,
        contentType: image ? 'image' : 'video',
        durationMs: 5000 + Math.floor(rand() * 5000),
        modelVersion: ['1.6', '2.0', '2.1'][i % 3] as string,
        prompt: promptFor(rand),
        favored: rand() < 0.03,
      }),
    );
  }
  return out;
}

export interface DirectFillOptions {
  /** The first work's number: a library filled up to `from` can be grown to `count` (default 0). */
  from?: number;
  /** Pseudo-random seed for prompts, durations and favorites. */
  seed?: number;
  /** Stored as every task's raw response, so the file size stays realistic (default: snapshot 0's). */
  sampleRaw?: string;
  /** Rows per transaction. */
  chunk?: number;
}

/**
 * Fills a library with works `from` to `count - 1`, one task each, the shape `snapshotsFor` gives, by
 * batched INSERTs into the index's own tables, with search rows and facets as ingest writes them. No files are planned:
 * the works have no downloaded media, as if their files were still to be archived. The WAL is left
 * as it is (callers checkpoint when they want the file's size).
 */
export function fillDirect(library: Library, count: number, options: DirectFillOptions = {}): void {
  const db = library.db;
  for (const email of ACCOUNTS) library.upsertAccount(email);
  const rand = random(options.seed ?? 2);
  const chunk = options.chunk ?? 50_000;
  const sampleRaw = options.sampleRaw ?? snapshotsFor(0, 1, 1)[0]?.raw ?? '{}';
  const insertTask = db.prepare(`INSERT INTO tasks (id, task_id, account_id, type, status, status_name, final,
      phase, prompt, negative_prompt, duration, model_version, arguments, input_urls, created_at, updated_at, snapshot_at)
      VALUES (?, ?, ?, ?, 99, 'succeed', 1, 'succeeded', ?, NULL, '5', ?, '[]', '[]', ?, ?, ?)`);
  const insertRaw = db.prepare('INSERT INTO task_snapshots(task_id, raw) VALUES (?, ?)');
  const insertWork =
    db.prepare(`INSERT INTO works (id, work_id, task_id, content_type, width, height, duration_ms,
      result_url, cover_url, favorite, created_at, account_id, task_type, model_version, phase)
      VALUES (?, ?, ?, ?, 724, 1268, ?, ?, ?, ?, ?, ?, ?, ?, 'succeeded')`);
  const newWorks = new NewWorkIndexer(db);
  for (let from = options.from ?? 0; from < count; from += chunk) {
    db.transaction(() => {
      for (let i = from; i < Math.min(count, from + chunk); i += 1) {
        const created = START + i * 30_000;
        const image = i % 8 === 0;
        const account = (i % 3) + 1;
        const model = ['1.6', '2.0', '2.1'][i % 3] as string;
        const type = image ? 'mmu_txt2img_aiweb' : 'm2v_img2video_hq';
        const taskId = String(900_000_000_000 + i * 10);
        const prompt = promptFor(rand);
        const duration = image ? 0 : 5000 + Math.floor(rand() * 5000);
        const favorite = rand() < 0.03 ? 1 : 0;
        insertTask.run(i + 1, taskId, account, type, prompt, model, created, created + 300_000, created);
        // One real response for every task, so the file size stays realistic.
        insertRaw.run(i + 1, sampleRaw);
        const id = created * KEY_SLOTS;
        insertWork.run(
          id,
          String(900_000_000_000 + i * 10 + 1),
          i + 1,
          image ? 'image' : 'video',
          duration,
          `https://cdn/${i}.mp4`,
          `https://cdn/${i}.jpg`,
          favorite,
          created,
          account,
          type,
          model,
        );
        newWorks.add({
          id,
          accountId: account,
          phase: 'succeeded',
          contentType: image ? 'image' : 'video',
          taskType: type,
          modelVersion: model,
          favorite,
          durationMs: duration,
          prompt,
          negativePrompt: null,
        });
      }
      newWorks.flush();
    })();
  }
}
