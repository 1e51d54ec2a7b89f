// Library benchmarks: ingest rate with FTS, gallery page latency (first page and a deep cursor,
// with and without filters and text) at 100k and 1,000,000 works, and database size per 100k works.
// Prints figures; asserts nothing. `npx tsx bench/library.bench.ts [--skip-1m]`
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLibrary } from '../src/core/library';
import type { Library } from '../src/core/library';
import { encodeCursor } from '../src/core/library/cursor';
import { indexPath } from '../src/core/library/paths';
import { KEY_SLOTS } from '../src/core/library/work-key';
import type { GalleryQuery } from '../src/shared/domain/library';
import { fillDirect, snapshotsFor } from './support/synthetic-library';

const skip1m = process.argv.includes('--skip-1m');

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const fmt = (n: number, digits = 2) => n.toFixed(digits);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Gallery queries timed after each other, no writes between them. */
function pageCases(library: Library): Array<[string, GalleryQuery]> {
  const maxKey = (library.db.prepare('SELECT max(id) AS k FROM works').get() as { k: number }).k;
  const minKey = (library.db.prepare('SELECT min(id) AS k FROM works').get() as { k: number }).k;
  const deepKey = minKey + Math.floor((maxKey - minKey) * 0.1); // ~90% of the way down "newest"
  const deepNewest = encodeCursor('newest', [deepKey]);
  const deepLongest = encodeCursor('longest', [5200, deepKey]);
  // Halfway through the images, which all share one duration (0 ms), at the end of "longest".
  const deepImages = encodeCursor('longest', [0, deepKey]);
  const mid = Math.floor((minKey + maxKey) / 2 / KEY_SLOTS);
  const cases: Array<[string, GalleryQuery]> = [
    ['newest, page 1', {}],
    ['newest, deep cursor', { cursor: deepNewest }],
    ['oldest, page 1', { sort: 'oldest' }],
    ['longest, page 1', { sort: 'longest' }],
    ['longest, deep cursor', { sort: 'longest', cursor: deepLongest }],
    ['account, page 1', { account: 'bob@example.com' }],
    ['account, deep cursor', { account: 'bob@example.com', cursor: deepNewest }],
    [
      'account+image+model, page 1',
      { account: 'bob@example.com', contentType: 'image', modelVersion: '2.0' },
    ],
    ['account, longest, page 1', { account: 'bob@example.com', sort: 'longest' }],
    ['account, longest, deep cursor', { account: 'bob@example.com', sort: 'longest', cursor: deepLongest }],
    ['account, longest, deep in images', { account: 'bob@example.com', sort: 'longest', cursor: deepImages }],
    ['images (all 0 ms), longest', { contentType: 'image', sort: 'longest' }],
    ['image task type, longest', { taskType: 'mmu_txt2img_aiweb', sort: 'longest' }],
    ['account+favorites, longest', { account: 'bob@example.com', favoritesOnly: true, sort: 'longest' }],
    ['favorites, page 1', { favoritesOnly: true }],
    ['favorites, deep cursor', { favoritesOnly: true, cursor: deepNewest }],
    ['date range (1 week)', { createdFrom: mid, createdTo: mid + 7 * 86_400_000 }],
    ['text common "fox", page 1', { text: 'fox' }],
    ['text common "fox", deep cursor', { text: 'fox', cursor: deepNewest }],
    ['text prefix "lig", page 1', { text: 'lig' }],
    ['text 2 words "glass whale"', { text: 'glass whale' }],
    ['text phrase "\\"red fox\\""', { text: '"red fox"' }],
    ['text + account + video', { text: 'dragon', account: 'carol@example.com', contentType: 'video' }],
    ['text rare (no match)', { text: 'zebra' }],
    ['text + longest (sorts matches)', { text: 'fox', sort: 'longest' }],
    ['text + longest, deep cursor', { text: 'fox', sort: 'longest', cursor: deepLongest }],
    ['text rare (1%) + longest', { text: 'whale noir', sort: 'longest' }],
    ['text rarer (0.1%) + longest', { text: 'whale noir rain', sort: 'longest' }],
    ['text no match + longest', { text: 'zebra', sort: 'longest' }],
  ];
  return cases;
}

/** Text + longest after a write of each kind (the write is not timed). */
function coldCases(library: Library, works: number): Array<[string, GalleryQuery, () => void, number]> {
  // Text + longest keeps its match sets across writes: unchanged by a write that leaves the text
  // index alone, patched after new works ingested, rebuilt after a change of the index made by plain
  // SQL (nothing recorded: the cost of a cold build). Each run writes first (not timed).
  const touch = library.db.prepare('UPDATE accounts SET label = label WHERE id = 1');
  const someTask = (library.db.prepare('SELECT max(id) AS id FROM tasks').get() as { id: number }).id;
  const editPrompt = library.db.prepare(
    "UPDATE tasks SET prompt = CASE WHEN prompt = 'edited a' THEN 'edited b' ELSE 'edited a' END WHERE id = ?",
  );
  let nextWork = works + 1_000_000;
  const addWorks = (count: number) => {
    library.ingestMany(snapshotsFor(nextWork, count, nextWork));
    nextWork += count;
  };
  const fox = { text: 'fox', sort: 'longest' } as const;
  const rare = { text: 'whale noir', sort: 'longest' } as const;
  const rarer = { text: 'whale noir rain', sort: 'longest' } as const;
  const dense = { text: 'in ', sort: 'longest' } as const;
  const cold: Array<[string, GalleryQuery, () => void, number]> = [
    ['text + longest, after a write', fox, () => touch.run(), 60],
    ['text rare + longest, after a write', rare, () => touch.run(), 60],
    ['text rarer + longest, after a write', rarer, () => touch.run(), 60],
    ['text + longest, after 5 new works', fox, () => addWorks(5), 60],
    ['text rare + longest, after 5 new works', rare, () => addWorks(5), 60],
    ['text rarer + longest, after 5 new works', rarer, () => addWorks(5), 60],
    ['text + longest, after 200 new works', fox, () => addWorks(200), 60],
    ['text + longest, rebuilt (SQL edit)', fox, () => editPrompt.run(someTask), 60],
    ['text rare + longest, rebuilt', rare, () => editPrompt.run(someTask), 60],
    ['text rarer + longest, rebuilt', rarer, () => editPrompt.run(someTask), 60],
    // A word in 30% of the prompts: at a million works its pages probe instead of reading matches.
    ['text dense "in" + longest, rebuilt', dense, () => editPrompt.run(someTask), 60],
  ];
  return cold;
}

function measureQueries(library: Library, label: string, works: number) {
  const cases = pageCases(library);
  const cold = coldCases(library, works);
  console.log(`\n## gallery page (60 items) at ${label} (${works.toLocaleString('en')} works): ms`);
  console.log('query'.padEnd(34), 'p50'.padStart(8), 'p95'.padStart(8), 'items'.padStart(6));
  const counts = library.gallerySetCounts();
  for (const [name, query, write, runs] of [...cases.map(([n, q]) => [n, q, null, 60] as const), ...cold]) {
    const times: number[] = [];
    let items = 0;
    for (let run = 0; run < runs; run += 1) {
      write?.();
      const start = process.hrtime.bigint();
      items = library.gallery(query).items.length;
      times.push(ms(start));
    }
    console.log(
      name.padEnd(34),
      fmt(percentile(times, 50)).padStart(8),
      fmt(percentile(times, 95)).padStart(8),
      String(items).padStart(6),
    );
  }
  const after = library.gallerySetCounts();
  console.log(
    `match sets: ${after.built - counts.built} built, ${after.patched - counts.patched} patched, ${after.forgotten - counts.forgotten} forgotten`,
  );
  measureOthers(library, works);
}

/** Statistics, facets, the task list, a work's detail and seeks. */
function measureOthers(library: Library, works: number) {
  // The first call after a bulk fill folds the new tasks into the counters (once).
  const start = process.hrtime.bigint();
  library.stats();
  console.log('stats, first call (folds new tasks)'.padEnd(34), fmt(ms(start)).padStart(8));
  for (const [name, run] of [
    ['facets', () => library.facets()],
    ['stats', () => library.stats()],
    ['task list page 1', () => library.taskList({ limit: 100 })],
    ['work detail', () => library.workDetail(String(900_000_000_000 + 5 * 10 + 1))],
    ['seek to the middle (a jump)', () => library.gallerySeek({}, Math.floor(works / 2))],
    ['seek to the end (End key)', () => library.gallerySeek({}, works - 60)],
    [
      'seek, account, to its end',
      () => library.gallerySeek({ account: 'bob@example.com' }, Math.floor(works / 3) - 60),
    ],
    ['seek, text "fox", to the middle', () => library.gallerySeek({ text: 'fox' }, 2000)],
    [
      'seek, account, longest, middle',
      () => library.gallerySeek({ account: 'bob@example.com', sort: 'longest' }, Math.floor(works / 6)),
    ],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const start = process.hrtime.bigint();
      run();
      times.push(ms(start));
    }
    console.log(
      name.padEnd(34),
      fmt(percentile(times, 50)).padStart(8),
      fmt(percentile(times, 95)).padStart(8),
    );
  }
}

function fileSize(folder: string): number {
  const file = indexPath(folder);
  let total = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      total += statSync(file + suffix).size;
    } catch {
      // absent
    }
  }
  return total;
}

// ── 100k: real ingest ────────────────────────────────────────────────────────────────────────
const folder100k = mkdtempSync(path.join(tmpdir(), 'kling-bench-100k-'));
const folder1m = mkdtempSync(path.join(tmpdir(), 'kling-bench-1m-'));
try {
  const N = 100_000;
  const BATCH = 2000;
  // Snapshots are made and parsed a batch at a time, as the sync engine receives them page by page,
  // and only ingestMany is timed: holding 100k parsed snapshots at once would only time the GC.
  let start: bigint;
  const batchAt = (from: number) => snapshotsFor(from, BATCH, 1 + from);
  let parseMs = 0;
  let rawBytes = 0;
  let ingestMs = 0;
  const library = openLibrary(folder100k, { sidecars: false });
  for (let i = 0; i < N; i += BATCH) {
    start = process.hrtime.bigint();
    const batch = batchAt(i);
    parseMs += ms(start);
    rawBytes += batch.reduce((sum, input) => sum + input.raw.length, 0);
    start = process.hrtime.bigint();
    library.ingestMany(batch);
    ingestMs += ms(start);
  }
  console.log(
    `## ingest (${N.toLocaleString('en')} snapshots, ~${Math.round(rawBytes / N)} bytes raw each, search rows + facet counts)`,
  );
  console.log(
    `generating + parsing (zod, exact ids; the client's cost, not the library's): ${fmt(parseMs / 1000)} s = ${Math.round(N / (parseMs / 1000))}/s`,
  );
  console.log(
    `ingest, batches of ${BATCH}, no sidecars: ${fmt(ingestMs / 1000)} s = ${Math.round(N / (ingestMs / 1000)).toLocaleString('en')} snapshots/s (goal >= 20,000/s)`,
  );
  // One real response, for the 1M library's raw column; the parsed snapshots are let go after use,
  // so that the query figures below are not taken in a heap swollen by the benchmark's own data.
  let sampleRaw = '{}';
  {
    const inputs = Array.from({ length: 20_000 / BATCH }, (_, k) => batchAt(k * BATCH)).flat();
    sampleRaw = inputs[0]?.raw ?? sampleRaw;
    start = process.hrtime.bigint();
    library.ingestMany(inputs);
    console.log(
      `re-ingest of 20,000 unchanged snapshots: ${Math.round(20_000 / (ms(start) / 1000)).toLocaleString('en')}/s`,
    );
    const sidecarFolder = mkdtempSync(path.join(tmpdir(), 'kling-bench-sidecar-'));
    const withSidecars = openLibrary(sidecarFolder);
    start = process.hrtime.bigint();
    for (let i = 0; i < 5000; i += 1000) withSidecars.ingestMany(inputs.slice(i, i + 1000));
    console.log(
      `ingest with task.json sidecars written (5,000): ${Math.round(5000 / (ms(start) / 1000)).toLocaleString('en')} snapshots/s`,
    );
    withSidecars.close();
    rmSync(sidecarFolder, { recursive: true, force: true });
  }

  library.db.pragma('wal_checkpoint(TRUNCATE)');
  const size = fileSize(folder100k);
  const rawSize = (
    library.db.prepare('SELECT sum(length(raw)) AS n FROM task_snapshots').get() as { n: number }
  ).n;
  console.log(
    `\n## database size per 100k works: ${fmt(size / 1e6, 1)} MB (of which raw responses ${fmt(rawSize / 1e6, 1)} MB; ${Math.round((size - rawSize) / N)} bytes/work without them)`,
  );
  measureQueries(library, '100k', N);
  library.close();

  // ── 1M: direct batched inserts (same tables, triggers on) ───────────────────────────────────
  if (!skip1m) {
    const big = openLibrary(folder1m, { sidecars: false });
    const M = 1_000_000;
    start = process.hrtime.bigint();
    fillDirect(big, M, { seed: 2, sampleRaw });
    const buildMs = ms(start);
    big.db.pragma('wal_checkpoint(TRUNCATE)');
    console.log(
      `\n## 1,000,000 works built by direct batched inserts in ${fmt(buildMs / 1000, 1)} s (${Math.round(M / (buildMs / 1000)).toLocaleString('en')}/s with search rows + facet counts); file ${fmt(fileSize(folder1m) / 1e9, 2)} GB`,
    );
    measureQueries(big, '1M', M);
    big.close();
  }
} finally {
  rmSync(folder100k, { recursive: true, force: true });
  rmSync(folder1m, { recursive: true, force: true });
}
