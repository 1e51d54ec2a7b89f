import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLibrary } from '../src/core/library';
import { fillDirect } from '../bench/support/synthetic-library';
const dir = mkdtempSync(path.join(tmpdir(), 'kling-counts-'));
const library = openLibrary(dir, { sidecars: false });
fillDirect(library, 100_000, { seed: 2, sampleRaw: '{}' });
const queries: Array<[string, Record<string, unknown>]> = [
  ['no filter (facets)', {}],
  ['content type', { contentType: 'image' }],
  ['favorites', { favoritesOnly: true }],
  ['text lighthouse', { text: 'lighthouse' }],
  ['text drag (prefix)', { text: 'drag' }],
  ['text watercolor + video', { text: 'watercolor', contentType: 'video' }],
];
for (const [name, q] of queries) {
  library.galleryCounts(q);
  const times: number[] = [];
  for (let i = 0; i < 20; i += 1) { const t = performance.now(); library.galleryCounts(q); times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  console.log(name.padEnd(26), 'median', times[10]!.toFixed(2), 'ms', 'max', times[19]!.toFixed(2), 'ms', JSON.stringify(library.galleryCounts(q).accounts.map((a) => a.count)));
}
library.close();
rmSync(dir, { recursive: true, force: true });
